//! `party listen`: be a peer in a room and stream what happens there as JSON lines.

use crate::args::ListenArgs;
use crate::error::CliError;
use crate::identity;
use crate::output;
use crate::session::{Halt, Session, Signals};

pub fn run(args: ListenArgs) -> Result<(), CliError> {
    let secret = match &args.secret {
        Some(text) => identity::import_secret(text)?,
        None => identity::fresh_secret()?,
    };
    crate::runtime()?.block_on(async move {
        let mut session = Session::open(args.room, &secret, args.broker.broker)?;
        let mut signals = Signals::install()?;
        let stop = loop {
            let step: Result<(), Halt> = tokio::select! {
                events = session.next() => match events {
                    Ok(events) => events.iter().try_for_each(output::emit).map_err(Halt::from),
                    Err(err) => Err(Halt::Fail(err)),
                },
                stop = signals.recv() => Err(Halt::Stop(stop)),
            };
            match step {
                Ok(()) => {}
                Err(Halt::Stop(stop)) => break stop,
                Err(Halt::Fail(err)) => return Err(err),
            }
        };
        session.finish(stop).await;
        Ok(())
    })
}
