//! `huddle`: runs the Huddle server.

// Leptos views are deeply nested types.
#![recursion_limit = "256"]

use clap::{Parser, Subcommand};
use leptos::prelude::get_configuration;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "huddle", version, about = "Collaborative product analytics")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app (the default). The address comes from LEPTOS_SITE_ADDR.
    Serve(ServeArgs),
}

#[derive(clap::Args, Default)]
struct ServeArgs {
    /// Metadata database.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/huddle.db")]
    database_url: String,
    /// The events store (a DuckDB file).
    #[arg(long, env = "HUDDLE_EVENTS_PATH", default_value = "data/events.duckdb")]
    events_path: std::path::PathBuf,
    /// The URL people use to reach Huddle, for links in invites. Defaults to
    /// http:// and the listening address.
    #[arg(long, env = "HUDDLE_PUBLIC_URL")]
    public_url: Option<String>,
    /// Huddle runs behind a reverse proxy that sets X-Forwarded-For: take the
    /// client's address (for login throttling) from its last entry. Without a
    /// proxy this would let clients pick their own address.
    #[arg(long, env = "HUDDLE_TRUSTED_PROXY")]
    trust_forwarded_for: bool,
    /// The server's secret key (created there on first start): share links
    /// are derived from it. Keep it apart from database backups; a new key
    /// changes every share link.
    #[arg(
        long,
        env = "HUDDLE_SECRET_KEY_FILE",
        default_value = "data/secret.key"
    )]
    secret_key_file: std::path::PathBuf,
    /// The SMTP server to send mail through: smtp://host:587?tls=required
    /// (STARTTLS), smtps://user:password@host:465 (implicit TLS), or
    /// smtp://host:25 (plain, for a relay on this machine). Without it,
    /// mail is written to the outbox directory and listed on the
    /// organization's outbox page.
    #[arg(long, env = "HUDDLE_SMTP_URL")]
    smtp_url: Option<String>,
    /// A PEM file of certificates to trust for the SMTP server besides the
    /// public roots (a private CA, or the server's own certificate).
    #[arg(long, env = "HUDDLE_SMTP_CA_FILE")]
    smtp_ca_file: Option<std::path::PathBuf>,
    /// The From address of Huddle's mail.
    #[arg(long, env = "HUDDLE_MAIL_FROM", default_value = backend::mail::DEFAULT_FROM)]
    mail_from: String,
    /// Where mail goes when no SMTP server is configured (.eml files).
    #[arg(long, env = "HUDDLE_OUTBOX", default_value = "data/outbox")]
    outbox: std::path::PathBuf,
    /// Let Slack and webhook deliveries reach private, loopback and
    /// link-local addresses (webhooks on your own network). Off, such
    /// addresses are refused, so a subscription cannot probe the network
    /// Huddle runs in.
    #[arg(long, env = "HUDDLE_PRIVATE_WEBHOOKS")]
    private_webhooks: bool,
    /// Seconds a process holds a mail or subscription delivery it claimed
    /// before another process sharing the database may take it over. Keep
    /// it above the slowest send.
    #[arg(long, env = "HUDDLE_JOB_LEASE_SECONDS", default_value_t = 600)]
    job_lease_seconds: u64,
    /// The longest the mail sender and the scheduler sleep without looking
    /// for work queued by other processes.
    #[arg(long, env = "HUDDLE_JOB_IDLE_SECONDS", default_value_t = 20)]
    job_idle_seconds: u64,
    /// Seconds one insight query may compute before it is stopped.
    #[arg(long, env = "HUDDLE_QUERY_TIMEOUT", default_value_t = backend::insights::DEFAULT_TIME_LIMIT.as_secs())]
    query_timeout: u64,
    /// Accounts one client (IP address) may create per hour.
    #[arg(long, env = "HUDDLE_SIGNUPS_PER_HOUR", default_value_t = backend::accounts::SIGN_UPS_PER_CLIENT)]
    sign_ups_per_hour: i64,
    /// Create a demo organization, project and user if the database is empty,
    /// and print the demo login.
    #[arg(long)]
    demo: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let args = match Cli::parse().command {
        Some(Command::Serve(args)) => args,
        None => ServeArgs::parse_default(),
    };
    serve(args).await
}

impl ServeArgs {
    /// `huddle` with no subcommand serves with the defaults (and environment).
    fn parse_default() -> Self {
        #[derive(Parser)]
        struct Default {
            #[command(flatten)]
            args: ServeArgs,
        }
        Default::parse_from(["huddle"]).args
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let leptos_options = get_configuration(None)?.leptos_options;
    let addr = leptos_options.site_addr;
    let config = server::Config {
        database_url: args.database_url,
        events_path: args.events_path,
        public_url: args.public_url.unwrap_or_else(|| format!("http://{addr}")),
        trust_forwarded_for: args.trust_forwarded_for,
        live: server::LiveLimits::default(),
        query_timeout: std::time::Duration::from_secs(args.query_timeout.max(1)),
        sign_ups_per_hour: args.sign_ups_per_hour,
        secret_key: backend::SecretKey::load_or_create(&args.secret_key_file)?,
        smtp_url: args.smtp_url,
        smtp_ca_file: args.smtp_ca_file,
        mail_from: args.mail_from,
        outbox: args.outbox,
        private_webhooks: args.private_webhooks,
        jobs: backend::jobs::JobTiming {
            lease: std::time::Duration::from_secs(args.job_lease_seconds.max(1)),
            idle: std::time::Duration::from_secs(args.job_idle_seconds.max(1)),
        },
    };
    let (router, backend) = server::router(&config, leptos_options).await?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    if args.demo && backend::demo::seed_if_empty(&backend).await?.is_some() {
        println!(
            "Created the demo organization with {} events",
            backend::demo::DEMO_EVENTS
        );
    }
    println!("Huddle is running at {}", config.public_url);
    if args.demo {
        println!(
            "Log in as {} with password {}",
            backend::demo::DEMO_EMAIL,
            backend::demo::DEMO_PASSWORD
        );
    }
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
