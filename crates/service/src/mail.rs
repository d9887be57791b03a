//! E-mail, only when SMTP is configured (`--smtp-host`): reminders go to the users who have an
//! address as well as in the app. Without the configuration there is no mailer and no
//! outbound call of any kind.

use dongneng_store::{Recipient, Reminder};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where mail goes out and what it links to.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub smtp_host: String,
    pub smtp_port: u16,
    /// The sender, `name@host` or `名称 <name@host>`.
    pub from: String,
    /// The server's address as users reach it, for links (`https://dongneng.example`).
    pub public_url: String,
}

/// Sends mail through the configured relay.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

/// One message.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mailer {
    /// The mailer of a configuration; an error names what is wrong with it.
    pub fn new(c: &MailConfig) -> Result<Mailer, String> {
        let from: Mailbox = c
            .from
            .parse()
            .map_err(|e| format!("--smtp-from {:?}: {e}", c.from))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.smtp_host)
            .port(c.smtp_port)
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        Ok(Mailer {
            transport,
            from,
            public_url: c.public_url.trim_end_matches('/').to_string(),
        })
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    pub async fn send(&self, mail: &Mail) -> Result<(), String> {
        let to: Mailbox = mail.to.parse().map_err(|e| format!("{:?}: {e}", mail.to))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

impl Mail {
    /// A reminder to one user: the subject says the stage and the record, the body links it.
    pub fn reminder(r: &Reminder, to: &Recipient, public_url: &str) -> Mail {
        use dongneng_domain::todo::NotificationKind as K;
        let stage = match r.kind {
            K::ReminderBefore => "即将到期",
            K::ReminderDue => "今日到期",
            K::ReminderAfter => "已逾期",
            _ => "逾期提请领导督办",
        };
        let deadline = r.candidate.deadline;
        Mail {
            to: to.email.clone().unwrap_or_default(),
            subject: format!("【动能提醒】{stage}：{}", r.title),
            body: format!(
                "{}：\n\n{}（期限 {deadline}）{stage}，请及时办理。\n\n{public_url}{}\n",
                to.username, r.title, r.link
            ),
        }
    }
}
