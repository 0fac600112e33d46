//! IRC operators of this bridge: OPER with a configured name and password, and KILL
//! for an IRC user who misbehaves. Operators have no say over Party rooms: a room
//! peer is nobody's to disconnect from here.

use sha2::{Digest, Sha256};

use crate::irc::line::build;
use crate::irc::names::{fold, is_handle};
use crate::irc::numeric::*;

use super::{ClientId, Hub};

impl Hub {
    pub(super) fn oper(&mut self, id: ClientId, params: &[&str]) {
        let (Some(&name), Some(&password)) = (params.first(), params.get(1)) else {
            self.reply(id, ERR_NEEDMOREPARAMS, &["OPER"], "Not enough parameters");
            return;
        };
        let digest: [u8; 32] = Sha256::digest(password.as_bytes()).into();
        let known = self.info.opers.iter().any(|oper| {
            // Every byte is compared, so the time taken says nothing of the hash.
            oper.name == name
                && oper
                    .password_sha256
                    .iter()
                    .zip(digest)
                    .fold(0u8, |diff, (a, b)| diff | (a ^ b))
                    == 0
        });
        if !known {
            self.reply(id, ERR_PASSWDMISMATCH, &[], "Password incorrect");
            return;
        }
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        let newly = !std::mem::replace(&mut client.oper, true);
        let nick = client.nick_or_star().to_owned();
        self.reply(id, RPL_YOUREOPER, &[], "You are now an IRC operator");
        if newly {
            let body = build(&nick, "MODE", &[&nick], Some("+o"));
            self.send_body(id, &body);
        }
    }

    /// KILL <nick> <reason>: an operator disconnects an IRC user of this bridge,
    /// which leaves its rooms like any quit.
    pub(super) fn kill(&mut self, id: ClientId, params: &[&str], now_ms: u64) {
        let Some(killer) = self.clients.get(&id) else {
            return;
        };
        if !killer.oper {
            self.reply(
                id,
                ERR_NOPRIVILEGES,
                &[],
                "Permission Denied- You're not an IRC operator",
            );
            return;
        }
        let killer = killer.nick_or_star().to_owned();
        let (Some(&target), Some(&reason)) = (params.first(), params.get(1)) else {
            self.reply(id, ERR_NEEDMOREPARAMS, &["KILL"], "Not enough parameters");
            return;
        };
        let Some(&victim) = self.nicks.get(&fold(target)) else {
            let why = if is_handle(target) {
                "No such nick: that is a Party room peer, which is not connected here"
            } else {
                "No such nick/channel"
            };
            self.reply(id, ERR_NOSUCHNICK, &[target], why);
            return;
        };
        let Some(sendq) = self.clients.get(&victim).map(|c| c.sendq.clone()) else {
            return;
        };
        let why = format!("Killed ({killer} ({reason}))");
        self.quit(victim, &why, now_ms);
        sendq.close(&why);
    }
}
