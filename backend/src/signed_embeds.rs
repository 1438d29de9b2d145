//! Opening a signed embed's token (see `domain::signed_embed`): read the
//! project it names, verify the signature with that project's embedding
//! secret, check the expiry, and find the insight or dashboard in the
//! project. Each failure has its own reason; none shows data.

use crate::{Backend, Error, ProjectScope, Result};
use domain::sharing::ShareTarget;
use domain::signed_embed::{EmbedClaims, EmbedRefusal, EmbedResource};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};

/// A signed embed that checked out.
#[derive(Debug, Clone)]
pub struct SignedEmbed {
    pub claims: EmbedClaims,
    pub target: ShareTarget,
    pub scope: ProjectScope,
}

fn refused(refusal: EmbedRefusal) -> Error {
    Error::Unembedded(refusal)
}

/// The claims as written, before anything is checked: only to learn whose
/// secret checks the signature.
fn unverified(token: &str) -> Result<EmbedClaims> {
    let header = decode_header(token).map_err(|_| refused(EmbedRefusal::Malformed))?;
    if header.alg != Algorithm::HS256 {
        return Err(refused(EmbedRefusal::Malformed));
    }
    let mut peek = Validation::new(Algorithm::HS256);
    peek.insecure_disable_signature_validation();
    peek.validate_exp = false;
    peek.required_spec_claims.clear();
    decode::<EmbedClaims>(token, &DecodingKey::from_secret(&[]), &peek)
        .map(|data| data.claims)
        .map_err(|_| refused(EmbedRefusal::Malformed))
}

fn verified(token: &str, secret: &str) -> Result<EmbedClaims> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    decode::<EmbedClaims>(
        token,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .map(|data| data.claims)
    .map_err(|err| {
        refused(match err.kind() {
            ErrorKind::InvalidSignature => EmbedRefusal::BadSignature,
            ErrorKind::ExpiredSignature => EmbedRefusal::Expired,
            _ => EmbedRefusal::Malformed,
        })
    })
}

impl Backend {
    pub async fn open_signed_embed(&self, token: &str) -> Result<SignedEmbed> {
        let project = unverified(token)?.project;
        let (secret, scope) = self
            .meta
            .signed_embed_scope(project)
            .await?
            .ok_or(refused(EmbedRefusal::WrongProject))?;
        let claims = verified(token, &secret)?;
        claims
            .check_lifetime(chrono::Utc::now().timestamp())
            .map_err(refused)?;
        // Counted per project: the tokens of one site's visitors all differ.
        self.share_limits.admit(-project.get())?;
        let target = match &claims.resource {
            EmbedResource::Insight(short_id) => self
                .meta
                .insight(&scope, short_id)
                .await
                .map(|insight| ShareTarget::Insight(insight.id)),
            EmbedResource::Dashboard(id) => self
                .meta
                .dashboard(&scope, *id)
                .await
                .map(|_| ShareTarget::Dashboard(*id)),
        }
        .map_err(|err| match err {
            Error::NotFound => refused(EmbedRefusal::WrongProject),
            other => other,
        })?;
        Ok(SignedEmbed {
            claims,
            target,
            scope,
        })
    }
}
