//! Mail through a real SMTP server (aiosmtpd on loopback) and through the
//! outbox: invites and password resets arrive as MIME mail with both parts,
//! failures show where the mail was asked for, and several senders on one
//! database deliver each mail once.

use backend::meta::NewInvite;
use backend::Backend;
use domain::account::{Email, NewPassword};
use domain::mail::{MailPurpose, MailState};
use domain::organization::Role;
use mail_parser::MessageParser;
use std::net::IpAddr;
use std::time::Duration;
use testkit::mail::{link_token, mailing, settings, SmtpServer, PUBLIC_URL};

fn client() -> IpAddr {
    IpAddr::from([127, 0, 0, 1])
}

async fn invite(backend: &Backend, owner: &testkit::Account, email: &str) -> domain::InviteId {
    backend
        .create_invite(
            owner.user.id,
            owner.organization,
            NewInvite {
                email: Email::parse(email).unwrap(),
                role: Role::Member,
            },
        )
        .await
        .unwrap()
        .invite
        .id
}

/// Waits until every pending invite's mail has left the queue.
async fn settled(
    backend: &Backend,
    owner: &testkit::Account,
) -> Vec<domain::invite::PendingInvite> {
    for _ in 0..300 {
        let pending = backend
            .pending_invites(owner.user.id, owner.organization)
            .await
            .unwrap();
        let done = pending.iter().all(|invite| {
            invite
                .mail
                .as_ref()
                .is_some_and(|mail| mail.state != MailState::Queued || mail.last_error.is_some())
        });
        if done {
            return pending;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the invite mail never left the queue");
}

#[tokio::test]
async fn an_invite_arrives_over_smtp_with_text_and_html_parts_and_its_link() {
    let smtp = SmtpServer::start();
    let mailing = mailing(Some(&smtp.url)).await;
    let backend = &mailing.backend;
    let owner = testkit::sign_up(backend, "owner@example.com").await;
    invite(backend, &owner, "newcomer@example.com").await;

    let received = smtp.wait_for(1).await;
    assert_eq!(received.len(), 1);
    let mail = MessageParser::default().parse(&received[0]).unwrap();
    assert_eq!(
        mail.subject(),
        Some("owner invited you to owner@example.com's org on Huddle")
    );
    assert_eq!(
        mail.to()
            .and_then(|to| to.first())
            .and_then(|to| to.address()),
        Some("newcomer@example.com")
    );
    let text = mail.body_text(0).unwrap();
    let html = mail.body_html(0).unwrap();
    assert!(text.contains("owner@example.com's org"), "{text}");
    // HTML-escaped in the HTML part, as written in the text part.
    assert!(html.contains("owner@example.com&#39;s org"), "{html}");
    let token = link_token(&received[0], "/invite/");
    assert!(text.contains(&format!("{PUBLIC_URL}/invite/{token}")));
    // The link in the mail is the invite's.
    let details = backend.meta.invite_details(&token).await.unwrap();
    assert_eq!(details.email, "newcomer@example.com");

    let pending = settled(backend, &owner).await;
    assert_eq!(pending[0].mail.as_ref().unwrap().state, MailState::Sent);
}

#[tokio::test]
async fn a_mail_server_that_is_down_shows_on_the_invite_and_the_mail_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on a port just freed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let stores = testkit::fresh().await;
    let backend = stores
        .backend
        .clone()
        .with_mail(&settings(
            dir.path(),
            Some(&format!("smtp://127.0.0.1:{port}")),
        ))
        .unwrap();
    let owner = testkit::sign_up(&backend, "owner@example.com").await;
    invite(&backend, &owner, "newcomer@example.com").await;
    let pending = settled(&backend, &owner).await;
    let status = pending[0].mail.clone().unwrap();
    assert_eq!(status.state, MailState::Queued, "{status:?}");
    assert_eq!(status.attempts, 1);
    assert!(
        status.summary().starts_with("Retrying after: "),
        "{}",
        status.summary()
    );
}

#[tokio::test]
async fn a_password_reset_works_once_and_sets_the_new_password() {
    let smtp = SmtpServer::start();
    let mailing = mailing(Some(&smtp.url)).await;
    let backend = &mailing.backend;
    testkit::sign_up(backend, "forgetful@example.com").await;

    // An unknown address gets the same answer, and no mail.
    backend
        .request_password_reset("nobody@example.com", client())
        .await
        .unwrap();
    backend
        .request_password_reset("forgetful@example.com", client())
        .await
        .unwrap();
    let received = smtp.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 1, "one mail, to the known address");
    let mail = MessageParser::default().parse(&received[0]).unwrap();
    assert_eq!(mail.subject(), Some("Reset your Huddle password"));
    assert!(mail
        .body_html(0)
        .unwrap()
        .contains("forgetful@example.com&#39;s org"));
    let token = link_token(&received[0], "/reset-password/");

    let account = backend.password_reset_account(&token).await.unwrap();
    assert_eq!(account.email, "forgetful@example.com");
    let new = "a completely new password";
    backend
        .reset_password(&token, NewPassword::parse(new).unwrap())
        .await
        .unwrap();
    backend
        .log_in("forgetful@example.com", new, client())
        .await
        .unwrap();
    assert!(backend
        .log_in("forgetful@example.com", testkit::PASSWORD, client())
        .await
        .is_err());
    // Used once, the link stops working.
    let again = backend
        .reset_password(&token, NewPassword::parse("yet another password").unwrap())
        .await;
    assert!(
        matches!(again, Err(backend::Error::Conflict(_))),
        "{again:?}"
    );
}

#[tokio::test]
async fn a_reset_link_stops_after_an_hour_and_when_a_newer_one_is_sent() {
    let mailing = mailing(None).await;
    let backend = &mailing.backend;
    testkit::sign_up(backend, "forgetful@example.com").await;
    let token_of = |n: usize| {
        let backend = backend.clone();
        async move {
            let messages: Vec<Vec<u8>> = sqlx::query_scalar(
                "SELECT message FROM mails WHERE purpose = 'password_reset' ORDER BY id",
            )
            .fetch_all(backend.meta.sqlite_pool())
            .await
            .unwrap();
            link_token(&messages[n], "/reset-password/")
        }
    };
    for _ in 0..2 {
        backend
            .request_password_reset("forgetful@example.com", client())
            .await
            .unwrap();
    }
    let (first, second) = (token_of(0).await, token_of(1).await);
    assert!(
        backend.password_reset_account(&first).await.is_err(),
        "replaced"
    );
    assert!(backend.password_reset_account(&second).await.is_ok());
    sqlx::query("UPDATE password_resets SET expires_at = $1")
        .bind(chrono::Utc::now() - chrono::Duration::minutes(1))
        .execute(backend.meta.sqlite_pool())
        .await
        .unwrap();
    assert!(
        backend.password_reset_account(&second).await.is_err(),
        "expired"
    );
    let late = backend
        .reset_password(&second, NewPassword::parse("too late a password").unwrap())
        .await;
    assert!(late.is_err());
    backend
        .log_in("forgetful@example.com", testkit::PASSWORD, client())
        .await
        .unwrap();
}

#[tokio::test]
async fn reset_mails_are_throttled_per_address_and_client() {
    let stores = testkit::fresh().await;
    testkit::sign_up(&stores, "forgetful@example.com").await;
    for _ in 0..backend::mail::letters::RESETS_PER_ADDRESS {
        stores
            .request_password_reset("forgetful@example.com", client())
            .await
            .unwrap();
    }
    let refused = stores
        .request_password_reset("forgetful@example.com", client())
        .await;
    assert!(
        matches!(refused, Err(backend::Error::Throttled { .. })),
        "{refused:?}"
    );
    // Another network may still ask: nobody can lock the owner out.
    stores
        .request_password_reset("forgetful@example.com", IpAddr::from([192, 0, 2, 1]))
        .await
        .unwrap();
}

#[tokio::test]
async fn without_smtp_mail_lands_in_the_outbox_for_owners_and_admins_to_read() {
    let mailing = mailing(None).await;
    let backend = &mailing.backend;
    let owner = testkit::sign_up(backend, "owner@example.com").await;
    let member = testkit::add_teammate(backend, &owner, "member@example.com", Role::Member).await;
    invite(backend, &owner, "newcomer@example.com").await;
    settled(backend, &owner).await;

    let files: Vec<_> = std::fs::read_dir(mailing.outbox())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().unwrap(), "eml");
    let entries = backend
        .meta
        .outbox(owner.user.id, owner.organization, 50)
        .await
        .unwrap();
    let entry = entries
        .iter()
        .find(|entry| entry.recipient == "newcomer@example.com")
        .unwrap();
    assert_eq!(entry.purpose, MailPurpose::Invite);
    let opened = backend
        .opened_mail(owner.user.id, owner.organization, entry.id)
        .await
        .unwrap();
    assert_eq!(opened.from, "huddle@example.com");
    assert!(opened.html.contains("Accept the invite"));
    assert!(opened.text.contains("/invite/"));

    let refused = backend.meta.outbox(member.id, owner.organization, 50).await;
    assert!(matches!(refused, Err(backend::Error::Forbidden(_))));
    let stranger = testkit::sign_up(backend, "stranger@example.com").await;
    let hidden = backend
        .opened_mail(stranger.user.id, owner.organization, entry.id)
        .await;
    assert!(matches!(hidden, Err(backend::Error::NotFound)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_senders_on_one_database_deliver_each_mail_once() {
    let smtp = SmtpServer::start();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("meta.db").display());
    let first = Backend::open(&url, &dir.path().join("a.duckdb"))
        .await
        .unwrap();
    let owner = testkit::sign_up(&first, "owner@example.com").await;
    // Queued before any sender runs, so both find all of them waiting.
    for n in 0..50 {
        invite(&first, &owner, &format!("person{n}@example.com")).await;
    }
    let second = Backend::open(&url, &dir.path().join("b.duckdb"))
        .await
        .unwrap();
    let mail = settings(dir.path(), Some(&smtp.url));
    let _first = first.with_mail(&mail).unwrap();
    let second = second.with_mail(&mail).unwrap();

    let received = smtp.wait_for(50).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = if smtp.received().len() > received.len() {
        smtp.received()
    } else {
        received
    };
    let mut recipients: Vec<String> = received
        .iter()
        .map(|raw| {
            let mail = MessageParser::default().parse(raw).unwrap();
            mail.to()
                .unwrap()
                .first()
                .unwrap()
                .address()
                .unwrap()
                .to_owned()
        })
        .collect();
    recipients.sort();
    let mut expected: Vec<String> = (0..50).map(|n| format!("person{n}@example.com")).collect();
    expected.sort();
    assert_eq!(recipients, expected, "each invite mailed exactly once");
    let pending = settled(&second, &owner).await;
    assert!(pending
        .iter()
        .all(|invite| invite.mail.as_ref().unwrap().state == MailState::Sent));
}

#[tokio::test]
async fn mail_goes_over_starttls_and_implicit_tls_trusting_the_operators_ca_and_no_other() {
    use testkit::mail::SmtpTls;
    for mode in [SmtpTls::StartTls, SmtpTls::Implicit] {
        let smtp = SmtpServer::start_tls(mode);
        let stores = testkit::fresh().await;
        let dir = tempfile::tempdir().unwrap();
        let mut trusting = settings(dir.path(), Some(&smtp.url));
        trusting.smtp_ca_file = smtp.ca_file.clone();
        let backend = stores.backend.clone().with_mail(&trusting).unwrap();
        let owner = testkit::sign_up(&backend, "owner@example.com").await;
        invite(&backend, &owner, "tls@example.com").await;
        let pending = settled(&backend, &owner).await;
        assert_eq!(
            pending[0].mail.as_ref().unwrap().state,
            MailState::Sent,
            "{mode:?}: {pending:?}"
        );
        let received = smtp.wait_for(1).await;
        assert_eq!(received.len(), 1, "{mode:?}");

        // The same server is not trusted on the public roots alone: the
        // mail waits, and says why.
        let stores = testkit::fresh().await;
        let doubting = settings(dir.path(), Some(&smtp.url));
        let backend = stores.backend.clone().with_mail(&doubting).unwrap();
        let owner = testkit::sign_up(&backend, "owner@example.com").await;
        invite(&backend, &owner, "doubt@example.com").await;
        let pending = settled(&backend, &owner).await;
        let mail = pending[0].mail.as_ref().unwrap();
        assert_ne!(mail.state, MailState::Sent, "{mode:?}");
        let error = mail
            .last_error
            .as_deref()
            .unwrap_or_default()
            .to_lowercase();
        assert!(
            error.contains("certificate") || error.contains("tls"),
            "{mode:?}: {error}"
        );
        assert_eq!(smtp.received().len(), 1, "{mode:?}: nothing more arrived");
    }
}

#[test]
fn a_ca_file_needs_a_tls_connection() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "").unwrap();
    let mut plain = settings(dir.path(), Some("smtp://localhost:25"));
    plain.smtp_ca_file = Some(ca);
    let refused = backend::mail::Mailer::new(&plain)
        .err()
        .unwrap()
        .to_string();
    assert!(refused.contains("HUDDLE_SMTP_CA_FILE"), "{refused}");
}
