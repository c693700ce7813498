//! The command line: `serve` (default), `migrate`, `demo`, `staff create`,
//! `staff reset-second-factor`,
//! `readers import`, `stripe setup`.

use crate::accounts::{NewAccount, create_account};
use crate::auth::hash_password;
use crate::db::InsertError;
use crate::domain::{DisplayName, Password, ReaderEmail, Role};
use crate::settings::Settings;
use crate::startup::Application;
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

/// Masthead: the subscription and paywall backend of a magazine.
#[derive(Debug, Parser)]
#[command(name = "masthead", version, about)]
pub struct Cli {
    /// A TOML file with settings (environment variables still win).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations and serve HTTP (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load a sample magazine (two issues, articles, audio, an edition).
    Demo {
        /// Instead, fill an empty database with a generated magazine of this
        /// many readers (subscribers, payments, issues, sessions, audit
        /// entries in the proportions of a working magazine), to measure at scale.
        #[arg(long, value_name = "READERS")]
        scale: Option<usize>,
        /// With `--scale`: the share of readers, in percent, who take print
        /// (every one of them a subscriber).
        #[arg(long, value_name = "PERCENT", requires = "scale", default_value_t = crate::demo::scale::PRINT_PERCENT)]
        print_percent: usize,
    },
    /// Manage staff accounts.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Manage readers.
    #[command(subcommand)]
    Readers(ReadersCommand),
    /// Set up the Stripe account.
    #[command(subcommand)]
    Stripe(StripeCommand),
}

/// The Stripe account.
#[derive(Debug, Subcommand)]
pub enum StripeCommand {
    /// Create or update the tiers' products and prices, the billing-portal
    /// configuration and the webhook endpoint; a second run changes
    /// nothing. Prints a new endpoint's signing secret once.
    Setup {
        /// Print what would change and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Reader management.
#[derive(Debug, Subcommand)]
pub enum ReadersCommand {
    /// Import readers from another system: a CSV file with a header row
    /// (email and name required; password_hash, address, tier and
    /// paid_until optional). Already registered emails are skipped.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Also write the rejected rows (line, email, reason) to this CSV file.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
}

/// Staff management.
#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Create a staff account. The password is prompted for on a terminal,
    /// or read from the first line of standard input otherwise.
    Create {
        /// The staff member's email.
        #[arg(long)]
        email: String,
        /// The staff role.
        #[arg(long, value_enum)]
        role: StaffRole,
        /// The name shown in the audit log.
        #[arg(long, default_value = "Staff")]
        name: String,
    },
    /// Remove a staff member's second factor (the last admin lost their
    /// phone) and end their sessions; they log in with the password and
    /// enrol again. Admins reset each other's through the API or console.
    ResetSecondFactor {
        /// The staff member's email.
        #[arg(long)]
        email: String,
    },
}

/// The roles a staff account can have: `staff create --help` offers these
/// and nothing else (readers sign up through the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StaffRole {
    /// Everything, including the audit log.
    Admin,
    /// Look readers up, refund, comp and cancel.
    Support,
    /// Publish the catalogue.
    Editor,
}

impl From<StaffRole> for Role {
    fn from(role: StaffRole) -> Self {
        match role {
            StaffRole::Admin => Role::Admin,
            StaffRole::Support => Role::Support,
            StaffRole::Editor => Role::Editor,
        }
    }
}

/// What `demo --scale` stored and how fast.
fn print_scale_report(report: &crate::demo::scale::ScaleReport) {
    println!(
        "seeded {} readers, {} subscriptions, {} subscription events, {} payments, {} refunds, \
         {} sessions, {} audit entries, {} webhook events, {} issues, {} articles",
        report.readers,
        report.subscriptions,
        report.events,
        report.payments,
        report.refunds,
        report.sessions,
        report.audit,
        report.webhook_events,
        report.issues,
        report.articles
    );
    println!(
        "{} rows in {:.1} s: {:.0} rows/s",
        report.rows,
        report.seconds,
        report.rate()
    );
    println!(
        "every account's password: {:?}; staff: {}",
        crate::demo::scale::SCALE_PASSWORD,
        crate::demo::scale::SCALE_STAFF
            .map(|(email, _)| email)
            .join(", ")
    );
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(cli.config.as_deref())?;
    // Held to the end of the command: dropping it writes out queued lines.
    let _logging = crate::telemetry::init(settings.log_format);
    let system = actix_web::rt::System::new();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => system.block_on(async move {
            let app = Application::build(settings).await?;
            app.run_until_stopped().await.context("the server failed")
        }),
        Command::Migrate => system.block_on(with_database(&settings, |_| {
            println!("migrations are up to date");
            Ok(())
        })),
        Command::Demo {
            scale: Some(readers),
            print_percent,
        } => {
            system.block_on(with_database(&settings, |db| {
                let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
                let report = crate::demo::scale::load_with_print(
                    &mut conn,
                    readers,
                    print_percent,
                    settings.grace_days,
                )?;
                print_scale_report(&report);
                Ok(())
            }))
        }
        Command::Demo { scale: None, .. } => system.block_on(with_database(&settings, |db| {
            let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
            if crate::demo::load(&mut conn, &settings)? {
                println!("loaded the demo magazine: issues 1 and 2 (issue 3 is being made), six articles, audio on /v1/articles/cities-of-water");
                for (email, password, tier) in crate::demo::DEMO_READERS {
                    match tier {
                        Some(tier) => println!("  comped {tier} subscriber: {email} / {password}"),
                        None => println!("  registered reader: {email} / {password}"),
                    }
                }
            } else {
                println!("the demo magazine is already loaded");
            }
            Ok(())
        })),
        Command::Stripe(StripeCommand::Setup { dry_run }) => {
            system.block_on(stripe_setup(settings, dry_run))
        }
        Command::Readers(ReadersCommand::Import { file, report }) => {
            system.block_on(import_readers(settings, file, report))
        }
        Command::Staff(StaffCommand::Create { email, role, name }) => {
            let role = Role::from(role);
            let email = ReaderEmail::parse_deliverable(email, settings.is_production())
                .map_err(|e| anyhow::anyhow!("email: {}", e.message))?;
            let name =
                DisplayName::parse(name).map_err(|e| anyhow::anyhow!("name: {}", e.message))?;
            let password = read_password()?;
            let password = Password::parse(password)
                .map_err(|e| anyhow::anyhow!("password: {}", e.message))?;
            let hash = hash_password(&password)?;
            system.block_on(with_database(&settings, |db| {
                let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
                let now = chrono::Utc::now().naive_utc();
                let account = NewAccount {
                    email: &email,
                    password_hash: &hash,
                    name: &name,
                    role,
                };
                let id = create_account(&mut conn, &account, now).map_err(|error| match error {
                    InsertError::Taken => {
                        anyhow::anyhow!("an account with email {} already exists", email.as_str())
                    }
                    InsertError::Database(other) => anyhow::Error::new(other),
                })?;
                println!(
                    "created {} account {} ({id})",
                    role.as_str(),
                    email.as_str()
                );
                Ok(())
            }))
        }
        Command::Staff(StaffCommand::ResetSecondFactor { email }) => {
            system.block_on(with_database(&settings, |db| {
                reset_second_factor_of(db, &email)
            }))
        }
    }
}

/// The operator's reset of a staff member's second factor, by email.
fn reset_second_factor_of(db: &crate::db::Database, email: &str) -> anyhow::Result<()> {
    let email = ReaderEmail::parse(email.to_owned())
        .map_err(|e| anyhow::anyhow!("email: {}", e.message))?;
    let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
    let reader = crate::db::readers::find_by_email(&mut conn, email.as_str())?
        .ok_or_else(|| anyhow::anyhow!("no account uses {}", email.as_str()))?;
    let id = reader.reader_id();
    let revoked = crate::db::write_transaction(&mut conn, |conn| {
        crate::accounts::directory::remove_factor(conn, &id)
    })
    .map_err(|error| anyhow::anyhow!("{error}"))?;
    println!(
        "removed the second factor of {} and ended {revoked} sessions",
        email.as_str()
    );
    Ok(())
}

/// Opens (and migrates) the database, runs `work` with it and closes it
/// whatever the outcome, so no connection is still being opened on a pool
/// thread while the process exits (see [`crate::db::Database::close`]).
async fn with_database<T>(
    settings: &Settings,
    work: impl FnOnce(&crate::db::Database) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let db = crate::startup::open_database(settings).await?;
    let outcome = work(&db);
    db.close();
    outcome
}

/// `readers import`: the file is opened before the database, so a wrong
/// path fails without creating anything.
async fn import_readers(
    settings: Settings,
    file: PathBuf,
    report: Option<PathBuf>,
) -> anyhow::Result<()> {
    let input =
        std::fs::File::open(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let size = input.metadata().map_or(0, |metadata| metadata.len());
    let source = file.display().to_string();
    let outcome = with_database(&settings, |db| {
        let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
        let progress = crate::import::progress_bar(size);
        crate::import::import_readers(
            &mut conn,
            std::io::BufReader::new(input),
            &source,
            &progress,
        )
        .with_context(|| format!("cannot import {source}"))
    })
    .await?;
    print!("{outcome}");
    if let Some(path) = report {
        let out = std::fs::File::create(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        outcome.write_rejected_csv(out)?;
        println!("rejected rows written to {}", path.display());
    }
    Ok(())
}

/// `stripe setup`: prints one line per object and, when an endpoint was
/// created, its signing secret (Stripe shows it only then).
async fn stripe_setup(settings: Settings, dry_run: bool) -> anyhow::Result<()> {
    let db = crate::startup::open_database(&settings).await?;
    let outcome = crate::billing::stripe_setup(&settings, &db, dry_run).await;
    db.close();
    let report = outcome?;
    for line in &report.lines {
        println!("{line}");
    }
    if dry_run {
        println!(
            "dry run: {} change(s) would be made; nothing was written",
            report.writes
        );
    } else {
        println!("{} change(s) made", report.writes);
    }
    if let Some(secret) = &report.signing_secret {
        println!(
            "webhook signing secret (shown once; set MASTHEAD_STRIPE_WEBHOOK_SECRET to it): {secret}"
        );
    }
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        anyhow::ensure!(first == second, "the passwords differ");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}
