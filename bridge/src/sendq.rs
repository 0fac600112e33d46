//! One client's send queue, between the hub (which hands over the lines a step
//! produced for that client and never waits) and the connection task (which writes
//! them out). A step's lines come as one buffer, kept as it is (never copied
//! again), and a writer that fell behind sends every waiting buffer in one
//! vectored write. It is bounded in lines: the client that stops
//! reading is cut off, not the channel slowed.

use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

/// Why the queue takes no more lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// It overflowed: the client is not reading (`SendQ exceeded`). The hub may still
    /// hold the client.
    Overflowed,
    /// The hub closed it and dropped the client; the reason goes in the goodbye.
    Closed(String),
}

/// What became of a pushed batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    Queued,
    /// This batch overflowed the queue, which is now ended; the hub must cut the
    /// client off.
    Overflowed,
    /// The queue had already ended; the batch is dropped with the connection.
    Ended,
}

pub struct SendQ {
    state: Mutex<State>,
    ready: Notify,
    max_lines: usize,
}

#[derive(Default)]
struct State {
    /// Batches in order, none empty.
    batches: Vec<Vec<u8>>,
    lines: usize,
    ended: Option<Ended>,
}

impl SendQ {
    pub fn new(max_lines: usize) -> Self {
        Self {
            state: Mutex::default(),
            ready: Notify::new(),
            max_lines,
        }
    }

    /// A poisoned lock only means another thread panicked mid-push; every batch in
    /// the queue is still whole lines.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `lines` complete lines (CRLF included): takes `batch`, leaving it empty.
    pub fn push_batch(&self, batch: &mut Vec<u8>, lines: usize) -> Pushed {
        if batch.is_empty() {
            return Pushed::Queued;
        }
        let mut state = self.state();
        if state.ended.is_some() {
            batch.clear();
            return Pushed::Ended;
        }
        if state.lines + lines > self.max_lines {
            state.ended = Some(Ended::Overflowed);
            drop(state);
            batch.clear();
            self.ready.notify_one();
            return Pushed::Overflowed;
        }
        let was_empty = state.batches.is_empty();
        state.batches.push(std::mem::take(batch));
        state.lines += lines;
        drop(state);
        // The writer is woken once per batch, not once per line.
        if was_empty {
            self.ready.notify_one();
        }
        Pushed::Queued
    }

    /// Ends the queue; what is queued still goes out first. The first reason stays.
    pub fn close(&self, reason: &str) {
        let mut state = self.state();
        if state.ended.is_none() {
            state.ended = Some(Ended::Closed(reason.to_owned()));
        }
        drop(state);
        self.ready.notify_one();
    }

    /// Waits for lines and moves every waiting batch into `into` (which must be
    /// empty), or says why the queue ended once it is drained. Cancel-safe: nothing is
    /// taken until the moment it returns.
    pub async fn next(&self, into: &mut Vec<Vec<u8>>) -> Result<(), Ended> {
        loop {
            let notified = self.ready.notified();
            tokio::pin!(notified);
            // Registered as a waiter before looking, so a push in between wakes us.
            notified.as_mut().enable();
            if let Some(outcome) = self.try_next(into) {
                return outcome;
            }
            notified.await;
        }
    }

    fn try_next(&self, into: &mut Vec<Vec<u8>>) -> Option<Result<(), Ended>> {
        let mut state = self.state();
        if !state.batches.is_empty() {
            into.clear();
            std::mem::swap(&mut state.batches, into);
            state.lines = 0;
            return Some(Ok(()));
        }
        state.ended.clone().map(Err)
    }

    /// Everything still queued, for the last write before the goodbye.
    pub fn take_rest(&self) -> Vec<u8> {
        let mut state = self.state();
        state.lines = 0;
        std::mem::take(&mut state.batches).concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(q: &SendQ, lines: &[&str]) -> Pushed {
        let mut batch = lines.concat().into_bytes();
        q.push_batch(&mut batch, lines.len())
    }

    #[tokio::test]
    async fn batches_come_out_together_then_the_close_reason() {
        let q = SendQ::new(10);
        assert_eq!(push(&q, &["a\r\n"]), Pushed::Queued);
        assert_eq!(push(&q, &["b\r\n", "c\r\n"]), Pushed::Queued);
        q.close("Bye");
        let mut buf = Vec::new();
        assert_eq!(q.next(&mut buf).await, Ok(()));
        assert_eq!(buf, [b"a\r\n".to_vec(), b"b\r\nc\r\n".to_vec()]);
        assert_eq!(push(&q, &["d\r\n"]), Pushed::Ended);
        assert_eq!(q.next(&mut buf).await, Err(Ended::Closed("Bye".into())));
    }

    #[tokio::test]
    async fn the_batch_past_the_limit_ends_the_queue_as_overflowed() {
        let q = SendQ::new(3);
        assert_eq!(push(&q, &["1\r\n", "2\r\n"]), Pushed::Queued);
        assert_eq!(push(&q, &["3\r\n", "4\r\n"]), Pushed::Overflowed);
        assert_eq!(push(&q, &["5\r\n"]), Pushed::Ended);
        q.close("later reasons do not replace the first");
        let mut buf = Vec::new();
        assert_eq!(q.next(&mut buf).await, Ok(()));
        assert_eq!(buf, [b"1\r\n2\r\n".to_vec()]);
        assert_eq!(q.next(&mut buf).await, Err(Ended::Overflowed));
    }

    #[tokio::test]
    async fn a_taken_batch_frees_room_for_as_many_lines_again() {
        let q = SendQ::new(1);
        let mut buf = Vec::new();
        for line in ["x\r\n", "y\r\n"] {
            assert_eq!(push(&q, &[line]), Pushed::Queued);
            assert_eq!(q.next(&mut buf).await, Ok(()));
            assert_eq!(buf, [line.as_bytes().to_vec()]);
        }
    }

    #[tokio::test]
    async fn a_waiting_writer_wakes_for_a_batch_pushed_from_another_task() {
        let q = std::sync::Arc::new(SendQ::new(4));
        let writer = {
            let q = q.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                q.next(&mut buf).await.map(|()| buf)
            })
        };
        tokio::task::yield_now().await;
        assert_eq!(push(&q, &["late\r\n"]), Pushed::Queued);
        assert_eq!(writer.await.unwrap(), Ok(vec![b"late\r\n".to_vec()]));
    }

    #[test]
    fn the_rest_is_taken_for_the_goodbye() {
        let q = SendQ::new(4);
        push(&q, &["last "]);
        push(&q, &["words\r\n"]);
        assert_eq!(q.take_rest(), b"last words\r\n");
        assert!(q.take_rest().is_empty());
    }
}
