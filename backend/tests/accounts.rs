use backend::accounts::{LOGIN_TRIES_PER_ADDRESS, LOGIN_TRIES_PER_CLIENT, SIGN_UPS_PER_CLIENT};
use backend::Error;
use std::net::IpAddr;
use testkit::{fresh, sign_up, PASSWORD};

const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 10));
const ATTACKER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 66));

#[tokio::test]
async fn signing_up_creates_an_owned_organization_with_a_first_project() {
    let backend = fresh().await;

    let ada = sign_up(&backend, "Ada@Example.com").await;

    let access = backend.meta.scope(ada.user.id, ada.project).await.unwrap();
    assert_eq!(ada.user.email, "ada@example.com");
    assert_eq!(access.project().name, "First project");
    assert_eq!(access.organization().id, ada.organization);
    assert_eq!(access.organization().name, "Ada@Example.com's org");
    assert_eq!(access.role(), domain::organization::Role::Owner);
    assert!(access.project().api_token.starts_with("phc_"));
    assert_eq!(
        backend.meta.default_project(ada.user.id).await.unwrap(),
        Some(ada.project)
    );
}

#[tokio::test]
async fn an_email_can_sign_up_only_once_whatever_its_case() {
    let backend = fresh().await;
    sign_up(&backend, "ada@example.com").await;

    let form = backend::accounts::SignUp {
        name: domain::account::PersonName::parse("Ada again").unwrap(),
        email: domain::account::Email::parse("ADA@example.com").unwrap(),
        password: domain::account::NewPassword::parse(PASSWORD).unwrap(),
        organization: domain::organization::OrganizationName::parse("Other").unwrap(),
        project: domain::project::ProjectName::parse("Other").unwrap(),
        time_zone: domain::project::TimeZone::utc(),
    };
    match backend.sign_up(form).await {
        Err(Error::Invalid(invalid)) => assert_eq!(invalid.field, "email"),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_right_password_logs_in_and_the_stored_hash_is_argon2id() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;

    let user = backend
        .log_in(" ADA@example.com ", PASSWORD, HOME)
        .await
        .unwrap();

    assert_eq!(user.id, ada.user.id);
    let hash = backend.meta.password_hash(ada.user.id).await.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let backend = fresh().await;
    sign_up(&backend, "ada@example.com").await;

    let wrong_password = backend
        .log_in("ada@example.com", "not the password", HOME)
        .await
        .unwrap_err();
    let unknown_email = backend
        .log_in("nobody@example.com", PASSWORD, HOME)
        .await
        .unwrap_err();

    assert!(matches!(wrong_password, Error::BadCredentials));
    assert!(matches!(unknown_email, Error::BadCredentials));
    assert_eq!(wrong_password.to_string(), unknown_email.to_string());
}

#[tokio::test]
async fn wrong_passwords_lock_out_the_guessing_client_but_not_the_owner_elsewhere() {
    let backend = fresh().await;
    sign_up(&backend, "ada@example.com").await;

    for _ in 0..LOGIN_TRIES_PER_ADDRESS {
        assert!(matches!(
            backend.log_in("ada@example.com", "guess", ATTACKER).await,
            Err(Error::BadCredentials)
        ));
    }
    let locked = backend
        .log_in("ada@example.com", PASSWORD, ATTACKER)
        .await
        .unwrap_err();

    assert!(
        matches!(locked, Error::Throttled { minutes: 15, .. }),
        "{locked:?}"
    );
    assert_eq!(
        locked.to_string(),
        "Too many failed logins for this email from your network. Try again in 15 minutes."
    );
    assert!(
        backend
            .log_in("ada@example.com", PASSWORD, HOME)
            .await
            .is_ok(),
        "the owner is not locked out by someone else's guesses"
    );
}

#[tokio::test]
async fn a_client_guessing_at_many_addresses_is_locked_out_of_all_of_them() {
    let backend = fresh().await;
    sign_up(&backend, "ada@example.com").await;

    for n in 0..LOGIN_TRIES_PER_CLIENT {
        let _ = backend
            .log_in(&format!("user{n}@example.com"), "guess", ATTACKER)
            .await;
    }
    let locked = backend
        .log_in("ada@example.com", PASSWORD, ATTACKER)
        .await
        .unwrap_err();

    assert!(matches!(locked, Error::Throttled { .. }), "{locked:?}");
    assert!(backend
        .log_in("ada@example.com", PASSWORD, HOME)
        .await
        .is_ok());
}

#[tokio::test]
async fn a_success_resets_the_failure_count() {
    let backend = fresh().await;
    sign_up(&backend, "ada@example.com").await;

    for _ in 1..LOGIN_TRIES_PER_ADDRESS {
        let _ = backend.log_in("ada@example.com", "guess", HOME).await;
    }
    backend
        .log_in("ada@example.com", PASSWORD, HOME)
        .await
        .unwrap();
    for _ in 1..LOGIN_TRIES_PER_ADDRESS {
        let _ = backend.log_in("ada@example.com", "guess", HOME).await;
    }

    assert!(backend
        .log_in("ada@example.com", PASSWORD, HOME)
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_guesses_get_no_more_password_checks_than_the_limit() {
    let backend = fresh().await;
    sign_up(&backend, "ada@example.com").await;

    let attempts: Vec<_> = (0..4 * LOGIN_TRIES_PER_ADDRESS)
        .map(|_| {
            let backend = backend.backend.clone();
            tokio::spawn(async move { backend.log_in("ada@example.com", "guess", ATTACKER).await })
        })
        .collect();
    let mut checked = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Err(Error::BadCredentials) => checked += 1,
            Err(Error::Throttled { .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    assert_eq!(checked, LOGIN_TRIES_PER_ADDRESS);
}

#[tokio::test]
async fn sign_ups_from_one_client_are_limited_per_hour() {
    let backend = fresh().await;
    let form = |n: i64| backend::accounts::SignUp {
        name: domain::account::PersonName::parse("Someone").unwrap(),
        email: domain::account::Email::parse(&format!("someone{n}@example.com")).unwrap(),
        password: domain::account::NewPassword::parse(PASSWORD).unwrap(),
        organization: domain::organization::OrganizationName::parse("Org").unwrap(),
        project: domain::project::ProjectName::parse("Project").unwrap(),
        time_zone: domain::project::TimeZone::utc(),
    };
    for n in 0..SIGN_UPS_PER_CLIENT {
        backend.sign_up_from(ATTACKER, form(n)).await.unwrap();
    }

    let refused = backend
        .sign_up_from(ATTACKER, form(SIGN_UPS_PER_CLIENT))
        .await
        .unwrap_err();

    assert_eq!(
        refused.to_string(),
        "Too many sign-ups from your network. Try again in 60 minutes."
    );
    assert!(backend.sign_up_from(HOME, form(99)).await.is_ok());
}
