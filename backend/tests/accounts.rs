mod support;

use backend::Error;
use support::{fresh, sign_up, PASSWORD};

#[tokio::test]
async fn signing_up_creates_an_owned_organization_with_a_first_project() {
    let backend = fresh().await;

    let ada = sign_up(&backend, "Ada@Example.com").await;

    let access = backend
        .meta
        .project_access(ada.user.id, ada.project)
        .await
        .unwrap();
    assert_eq!(ada.user.email, "ada@example.com");
    assert_eq!(access.project.name, "First project");
    assert_eq!(access.organization.id, ada.organization);
    assert_eq!(access.organization.name, "Ada@Example.com's org");
    assert_eq!(access.role, domain::organization::Role::Owner);
    assert!(access.project.api_token.starts_with("phc_"));
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

    let user = backend.log_in(" ADA@example.com ", PASSWORD).await.unwrap();

    assert_eq!(user.id, ada.user.id);
    let hash = backend.meta.password_hash(ada.user.id).await.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let backend = fresh().await;
    sign_up(&backend, "ada@example.com").await;

    let wrong_password = backend
        .log_in("ada@example.com", "not the password")
        .await
        .unwrap_err();
    let unknown_email = backend
        .log_in("nobody@example.com", PASSWORD)
        .await
        .unwrap_err();

    assert!(matches!(wrong_password, Error::BadCredentials));
    assert!(matches!(unknown_email, Error::BadCredentials));
    assert_eq!(wrong_password.to_string(), unknown_email.to_string());
}

#[tokio::test]
async fn five_failures_lock_the_address_even_against_the_right_password() {
    let backend = fresh().await;
    sign_up(&backend, "ada@example.com").await;

    for _ in 0..5 {
        assert!(matches!(
            backend.log_in("ada@example.com", "guess").await,
            Err(Error::BadCredentials)
        ));
    }
    let locked = backend
        .log_in("ada@example.com", PASSWORD)
        .await
        .unwrap_err();

    assert!(
        matches!(locked, Error::Throttled { minutes: 15 }),
        "{locked:?}"
    );
}

#[tokio::test]
async fn a_success_resets_the_failure_count() {
    let backend = fresh().await;
    sign_up(&backend, "ada@example.com").await;

    for _ in 0..4 {
        let _ = backend.log_in("ada@example.com", "guess").await;
    }
    backend.log_in("ada@example.com", PASSWORD).await.unwrap();
    for _ in 0..4 {
        let _ = backend.log_in("ada@example.com", "guess").await;
    }

    assert!(backend.log_in("ada@example.com", PASSWORD).await.is_ok());
}
