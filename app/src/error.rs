//! The error type of every server function: the boundary between the UI and
//! the server.
//!
//! Policy: an error caused by the person (bad input, no access, a used invite)
//! reaches them with its message. An error on our side is logged with its
//! cause chain and a request id, and the person sees only that id.

use domain::sharing::ShareRefusal;
use domain::signed_embed::EmbedRefusal;
use domain::Invalid;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please log in to continue.")]
    Unauthenticated,
    /// Does not exist, or the person may not know it does.
    #[error("This page doesn't exist, or you don't have access to it.")]
    NotFound,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// Bad input, tied to the form field it came from.
    #[error("{}", .0.message)]
    Invalid(Invalid),
    /// A request refused as a whole, e.g. a wrong password.
    #[error("{0}")]
    Refused(String),
    /// Too many attempts in a short time.
    #[error("{0}")]
    Throttled(String),
    /// A request body in an encoding the endpoint does not take.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The server could not take the work in time; the same request may
    /// succeed in a moment.
    #[error("Huddle is busy; try again in a moment.")]
    Busy,
    /// The server could not do it in time (e.g. a query hit its time limit).
    #[error("{0}")]
    Unavailable(String),
    /// A shared link that shows nothing, and why.
    #[error(transparent)]
    Unshared(domain::sharing::ShareRefusal),
    /// A signed embed that shows nothing, and why.
    #[error(transparent)]
    Unembedded(domain::signed_embed::EmbedRefusal),
    #[error(
        "Something went wrong on our side. If it keeps happening, quote request {request_id}."
    )]
    Internal { request_id: String },
    /// The request did not complete (network, encoding).
    #[error("Could not reach Huddle: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status a response carrying this error gets. The server applies
    /// it to every server-function response; nothing else picks statuses.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::Refused(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::Invalid(_) | AppError::Transport(_) => 400,
            AppError::Throttled(_) => 429,
            AppError::UnsupportedMediaType(_) => 415,
            AppError::Busy => 503,
            AppError::Unavailable(_) => 503,
            AppError::Internal { .. } => 500,
            AppError::Unshared(refusal) => match refusal {
                ShareRefusal::NoLongerValid => 404,
                ShareRefusal::SharingDisabled => 403,
                ShareRefusal::TooManyRequests => 429,
            },
            AppError::Unembedded(refusal) => match refusal {
                EmbedRefusal::Malformed | EmbedRefusal::TooLong => 400,
                EmbedRefusal::Expired | EmbedRefusal::BadSignature => 403,
                EmbedRefusal::WrongProject => 404,
            },
        }
    }

    /// The message for one form field, if this error is about it.
    pub fn for_field(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(invalid) if invalid.field == field => Some(invalid.message.clone()),
            _ => None,
        }
    }

    /// The message to show above a form: everything but field errors.
    pub fn for_form(&self) -> Option<String> {
        match self {
            AppError::Invalid(_) => None,
            other => Some(other.to_string()),
        }
    }
}

impl From<Invalid> for AppError {
    fn from(invalid: Invalid) -> Self {
        AppError::Invalid(invalid)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(err: ServerFnErrorErr) -> Self {
        AppError::Transport(err.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<backend::Error> for AppError {
    fn from(err: backend::Error) -> Self {
        use backend::Error as E;
        match err {
            E::NotFound => AppError::NotFound,
            E::Invalid(invalid) => AppError::Invalid(invalid),
            E::Forbidden(message) => AppError::Forbidden(message),
            E::Conflict(message) => AppError::Conflict(message),
            refused @ E::BadCredentials => AppError::Refused(refused.to_string()),
            throttled @ E::Throttled { .. } => AppError::Throttled(throttled.to_string()),
            E::Busy => AppError::Busy,
            E::TooManyAtOnce(message) => AppError::Throttled(message),
            E::Unavailable(message) => AppError::Unavailable(message),
            E::Unshared(refusal) => AppError::Unshared(refusal),
            E::Unembedded(refusal) => AppError::Unembedded(refusal),
            ours => AppError::internal(&ours),
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs an error of ours with its cause chain and returns what the person sees.
    pub fn internal(err: &(dyn std::error::Error + 'static)) -> Self {
        use rand::Rng;
        let request_id = format!("{:08x}", rand::thread_rng().gen::<u32>());
        let mut chain = err.to_string();
        let mut source = err.source();
        while let Some(cause) = source {
            chain.push_str(": ");
            chain.push_str(&cause.to_string());
            source = cause.source();
        }
        tracing::error!(request_id, error = %chain, "internal error");
        AppError::Internal { request_id }
    }
}
