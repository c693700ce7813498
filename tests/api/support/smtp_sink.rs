//! A small SMTP server for the tests: while "down" it answers every
//! connection `421` and hangs up (a mail server out of service); while up
//! it accepts every message and keeps it. A holding sink keeps each message
//! but never answers its end of data (RFC 5321 §4.1.1.4: the message is
//! the server's, the sender has not heard so): a sender killed then has
//! delivered without knowing it. Plain SMTP on 127.0.0.1, enough of
//! RFC 5321 for lettre (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A running sink.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    up: Arc<AtomicBool>,
    holding: bool,
    messages: Arc<Mutex<Vec<String>>>,
    refused: Arc<Mutex<usize>>,
}

impl SmtpSink {
    /// Starts a sink, down (`up: false`) or accepting.
    pub async fn start(up: bool) -> Self {
        Self::listen(up, false).await
    }

    /// Starts a sink that keeps every message and never acknowledges one.
    #[allow(dead_code)]
    pub async fn start_holding() -> Self {
        Self::listen(true, true).await
    }

    async fn listen(up: bool, holding: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sink = Self {
            port: listener.local_addr().unwrap().port(),
            up: Arc::new(AtomicBool::new(up)),
            holding,
            messages: Arc::default(),
            refused: Arc::default(),
        };
        let serving = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let sink = serving.clone();
                tokio::spawn(async move { sink.serve(stream).await });
            }
        });
        sink
    }

    /// The URL for `MASTHEAD_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts accepting messages.
    pub fn come_up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }

    /// The raw messages accepted so far.
    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }

    /// Connections turned away while down.
    pub fn refused(&self) -> usize {
        *self.refused.lock().unwrap()
    }

    async fn serve(&self, stream: TcpStream) {
        let (read, mut write) = stream.into_split();
        if !self.up.load(Ordering::SeqCst) {
            *self.refused.lock().unwrap() += 1;
            let _ = write.write_all(b"421 4.3.2 sink out of service\r\n").await;
            return;
        }
        let mut lines = BufReader::new(read);
        let _ = write.write_all(b"220 sink ESMTP\r\n").await;
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 sink\r\n",
                "DATA" => {
                    let _ = write.write_all(b"354 end with .\r\n").await;
                    let mut message = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if line == ".\r\n" {
                            break;
                        }
                        message.push_str(&line);
                    }
                    let number = {
                        let mut messages = self.messages.lock().unwrap();
                        messages.push(message);
                        messages.len()
                    };
                    if self.holding {
                        std::future::pending::<()>().await;
                    }
                    let reply = format!("250 2.0.0 Ok: queued as M{number}\r\n");
                    let _ = write.write_all(reply.as_bytes()).await;
                    continue;
                }
                "QUIT" => {
                    let _ = write.write_all(b"221 bye\r\n").await;
                    return;
                }
                _ => b"250 OK\r\n",
            };
            let _ = write.write_all(reply).await;
        }
    }
}
