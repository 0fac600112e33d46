use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use std::{
    collections::VecDeque,
    io::{self, ErrorKind},
    pin::Pin,
};
use tokio::time::{Duration, Instant, Sleep};

use crate::protocol::{self, Packet, Protocol};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("I/O = {0}")]
    Io(#[from] io::Error),
    #[error("Invalid data = {0}")]
    Protocol(#[from] protocol::Error),
    // PARTY-PATCH 9: raised by the connection's own keepalive timer (see `read_bytes`),
    // not by a `tokio::time::timeout`, so there is no `Elapsed` to carry.
    #[error["Keep alive timeout"]]
    KeepAlive,
}

/// Network transforms packets <-> frames efficiently. It takes
/// advantage of pre-allocation, buffering and vectorization when
/// appropriate to achieve performance
pub struct Network<P> {
    /// Socket for IO
    socket: Box<dyn N>,
    /// Buffered reads
    read: BytesMut,
    /// Buffered writes
    write: BytesMut,
    /// Maximum packet size
    max_incoming_size: usize,
    /// Maximum connection buffer count. TODO: Change this to use bytes for deterministicness
    max_connection_buffer_len: usize,
    /// Keep alive timeout
    keepalive: Duration,
    /// PARTY-PATCH 9: when bytes last arrived, and the one timer that checks it.
    last_read: Instant,
    keepalive_timer: Option<Pin<Box<Sleep>>>,
    /// Protocol
    protocol: P,
}

impl<P: Protocol> Network<P> {
    pub fn new(
        socket: Box<dyn N>,
        max_incoming_size: usize,
        max_connection_buffer_len: usize,
        protocol: P,
    ) -> Network<P> {
        Network {
            socket,
            read: BytesMut::with_capacity(10 * 1024),
            write: BytesMut::with_capacity(10 * 1024),
            max_incoming_size,
            max_connection_buffer_len,
            // Overwritten by keepalive value in connect packet, otherwise we
            // would wait indefinitely until we get a packet / network error
            // when we call read.
            keepalive: Duration::MAX,
            last_read: Instant::now(),
            keepalive_timer: None,
            protocol,
        }
    }

    pub fn set_keepalive(&mut self, keepalive: u16) {
        // PARTY-PATCH 12: 0 means no keepalive (MQTT 3.1.1 §3.1.2.10): never time out.
        if keepalive == 0 {
            self.keepalive = Duration::MAX;
            return;
        }
        let keepalive = Duration::from_secs(keepalive as u64);
        self.keepalive = keepalive + keepalive.mul_f32(0.5);
    }

    /// Reads more than 'required' bytes to frame a packet into self.read buffer
    ///
    /// PARTY-PATCH 9: fails with `Error::KeepAlive` once no byte has arrived for the
    /// keepalive period. Upstream wrapped every wait in a fresh `tokio::time::timeout`;
    /// registering that timer woke the runtime's driver (an eventfd write and an extra
    /// epoll round) for every packet read. Here one timer lives as long as the
    /// connection and is only moved when it fires early.
    async fn read_bytes(&mut self, required: usize) -> Result<usize, Error> {
        let mut total_read = 0;
        loop {
            let read = tokio::select! {
                biased;
                read = self.socket.read_buf(&mut self.read) => read?,
                () = keepalive_expired(&mut self.keepalive_timer, self.last_read, self.keepalive) => {
                    return Err(Error::KeepAlive);
                }
            };
            if 0 == read {
                let error = if self.read.is_empty() {
                    io::Error::new(ErrorKind::ConnectionAborted, "connection closed by peer")
                } else {
                    io::Error::new(ErrorKind::ConnectionReset, "connection reset by peer")
                };

                return Err(error.into());
            }
            self.last_read = Instant::now();

            total_read += read;
            if total_read >= required {
                return Ok(total_read);
            }
        }
    }

    /// Waits on network for 1 packet
    pub async fn read(&mut self) -> Result<Packet, Error> {
        loop {
            let required = match Protocol::read_mut(
                &mut self.protocol,
                &mut self.read,
                self.max_incoming_size,
            ) {
                Ok(packet) => return Ok(packet),
                Err(protocol::Error::InsufficientBytes(required)) => required,
                Err(e) => return Err(e.into()),
            };

            // read more packets until a frame can be created. This function
            // blocks until a frame can be created. Use this in a select! branch
            self.read_bytes(required).await?;
        }
    }

    /// Read packets in bulk. This allow replies to be in bulk. This method is used
    /// after the connection is established to read a bunch of incoming packets
    pub fn readv(&mut self, packets: &mut VecDeque<Packet>) -> Result<usize, Error> {
        loop {
            match self
                .protocol
                .read_mut(&mut self.read, self.max_incoming_size)
            {
                Ok(packet) => {
                    packets.push_back(packet);
                    let connection_buffer_length = packets.len();
                    if connection_buffer_length >= self.max_connection_buffer_len {
                        return Ok(connection_buffer_length);
                    }
                }
                Err(protocol::Error::InsufficientBytes(_)) => return Ok(packets.len()),
                Err(e) => return Err(io::Error::new(ErrorKind::InvalidData, e.to_string()).into()),
            }
        }
    }

    pub async fn write(&mut self, packet: Packet) -> Result<(), Error> {
        Protocol::write(&self.protocol, packet, &mut self.write)?;
        self.socket.write_all(&self.write).await?;
        // PARTY-PATCH 3: a buffering stream (WebSocket) may hold the tail of a write
        // under backpressure until flushed; for a TCP stream this is a no-op.
        self.socket.flush().await?;
        self.write.clear();
        Ok(())
    }

    pub async fn writev(&mut self, packets: VecDeque<Packet>) -> Result<(), Error> {
        for packet in packets {
            Protocol::write(&self.protocol, packet, &mut self.write)?;
        }
        self.socket.write_all(&self.write).await?;
        // PARTY-PATCH 3: see `write`.
        self.socket.flush().await?;
        self.write.clear();
        Ok(())
    }
}

/// PARTY-PATCH 9: resolves once `keepalive` has passed since `last_read`; never, if that
/// instant is beyond what the clock can represent (no keepalive agreed yet).
async fn keepalive_expired(
    timer: &mut Option<Pin<Box<Sleep>>>,
    last_read: Instant,
    keepalive: Duration,
) {
    loop {
        let Some(deadline) = last_read.checked_add(keepalive) else {
            return std::future::pending().await;
        };
        if deadline <= Instant::now() {
            return;
        }
        match timer {
            Some(timer) => {
                // Bytes that arrived since it was set moved the deadline on. The timer
                // follows only when it fires, so reading a packet costs no timer work.
                timer.as_mut().await;
                if timer.deadline() < deadline {
                    timer.as_mut().reset(deadline);
                }
            }
            None => *timer = Some(Box::pin(tokio::time::sleep_until(deadline))),
        }
    }
}

pub trait N: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T> N for T where T: AsyncRead + AsyncWrite + Unpin + Send {}
