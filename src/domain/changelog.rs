//! The change log's entries and its hash chain.
//!
//! Every entry's hash covers its own content and the previous entry's hash, so changing,
//! removing or reordering any earlier entry breaks every hash after it. The genesis entry
//! chains from [`GENESIS_HASH`].

use sha2::{Digest, Sha256};

/// The "previous hash" of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
    Delete,
}

impl Operation {
    pub fn key(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "create" => Some(Operation::Create),
            "update" => Some(Operation::Update),
            "delete" => Some(Operation::Delete),
            _ => None,
        }
    }
}

/// One row of the change log: one field of one record changed by one person at one time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEntry {
    /// Position in the log, starting at 1, without gaps.
    pub seq: i64,
    /// RFC 3339 timestamp in UTC.
    pub at: String,
    pub actor: String,
    /// The record's reference, such as `ISS-001` or `WS`.
    pub record: String,
    pub operation: Operation,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl ChangeEntry {
    /// The hash this entry should carry, given its content and `prev_hash`.
    pub fn expected_hash(&self) -> String {
        let mut hasher = Sha256::new();
        // Each part is length-prefixed so that no two different entries encode the same bytes.
        let mut part = |bytes: &[u8]| {
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(bytes);
        };
        part(self.prev_hash.as_bytes());
        part(&self.seq.to_be_bytes());
        part(self.at.as_bytes());
        part(self.actor.as_bytes());
        part(self.record.as_bytes());
        part(self.operation.key().as_bytes());
        part(self.field.as_bytes());
        for value in [&self.old, &self.new] {
            match value {
                None => part(b"\x00null"),
                Some(text) => {
                    part(b"\x01text");
                    part(text.as_bytes());
                }
            }
        }
        hex(&hasher.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where and why a chain stopped verifying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: String,
}

/// The chain checked one entry at a time, so that a log of hundreds of thousands of entries
/// is verified without holding it in memory.
pub struct ChainCheck {
    prev: String,
    count: usize,
}

impl Default for ChainCheck {
    fn default() -> Self {
        ChainCheck {
            prev: GENESIS_HASH.to_string(),
            count: 0,
        }
    }
}

impl ChainCheck {
    /// Checks the next entry of the log, in order of sequence number.
    pub fn next(&mut self, entry: &ChangeEntry) -> Result<(), BrokenLink> {
        let expected_seq = self.count as i64 + 1;
        if entry.seq != expected_seq {
            return Err(BrokenLink {
                seq: entry.seq,
                reason: format!("entry {expected_seq} is missing (found {} next)", entry.seq),
            });
        }
        if entry.prev_hash != self.prev {
            return Err(BrokenLink {
                seq: entry.seq,
                reason: "its link to the previous entry does not match".into(),
            });
        }
        if entry.hash != entry.expected_hash() {
            return Err(BrokenLink {
                seq: entry.seq,
                reason: "its content does not match its hash".into(),
            });
        }
        self.prev.clone_from(&entry.hash);
        self.count += 1;
        Ok(())
    }

    /// How many entries have been checked.
    pub fn count(&self) -> usize {
        self.count
    }
}

/// Checks a whole log, oldest first. Returns the first entry that does not verify.
pub fn verify_chain<'a>(
    entries: impl IntoIterator<Item = &'a ChangeEntry>,
) -> Result<usize, BrokenLink> {
    let mut check = ChainCheck::default();
    for entry in entries {
        check.next(entry)?;
    }
    Ok(check.count())
}

/// Checks the log's last entry against the head recorded with every write: entries removed
/// from the end leave a chain that verifies, but not a matching head. Both are (seq, hash).
pub fn verify_head(
    last: Option<(i64, String)>,
    head: Option<(i64, String)>,
) -> Result<(), BrokenLink> {
    match (last, head) {
        (None, None) => Ok(()),
        (Some(last), Some(head)) if last == head => Ok(()),
        (last, Some((head_seq, _))) if last.as_ref().is_none_or(|(seq, _)| *seq < head_seq) => {
            let ends = last.map_or(0, |(seq, _)| seq);
            Err(BrokenLink {
                seq: ends + 1,
                reason: format!(
                    "entries {} to {head_seq} are missing: the log was last written at entry \
                     {head_seq} but ends at entry {ends}",
                    ends + 1
                ),
            })
        }
        (Some((seq, _)), None) => Err(BrokenLink {
            seq,
            reason: "the log's head (its newest entry's number and hash, written with every \
                     change) is missing, so entries removed from the end would not show"
                .into(),
        }),
        (last, _) => Err(BrokenLink {
            seq: last.map_or(0, |(seq, _)| seq),
            reason: "it is not the last entry the log recorded as written".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_catches_entries_removed_from_the_end() {
        let entry = |seq: i64, hash: &str| Some((seq, hash.to_string()));
        assert!(verify_head(None, None).is_ok());
        assert!(verify_head(entry(5, "e"), entry(5, "e")).is_ok());
        let cut = verify_head(entry(3, "c"), entry(5, "e")).unwrap_err();
        assert_eq!(cut.seq, 4);
        assert!(
            cut.reason.contains("entries 4 to 5 are missing"),
            "{}",
            cut.reason
        );
        assert_eq!(verify_head(None, entry(2, "b")).unwrap_err().seq, 1);
        // A head that does not match the last entry, or no head at all.
        assert_eq!(
            verify_head(entry(5, "x"), entry(5, "e")).unwrap_err().seq,
            5
        );
        assert_eq!(
            verify_head(entry(6, "f"), entry(5, "e")).unwrap_err().seq,
            6
        );
        assert_eq!(verify_head(entry(2, "b"), None).unwrap_err().seq, 2);
    }

    fn chain(n: i64) -> Vec<ChangeEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let mut entry = ChangeEntry {
                    seq,
                    at: "2026-11-28T10:00:00Z".into(),
                    actor: "alex".into(),
                    record: format!("ISS-{seq:03}"),
                    operation: Operation::Update,
                    field: "description".into(),
                    old: Some("before".into()),
                    new: Some(format!("after {seq}")),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                entry.hash = entry.expected_hash();
                prev = entry.hash.clone();
                entry
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify_chain(&chain(5)), Ok(5));
        assert_eq!(verify_chain(&[]), Ok(0));
    }

    #[test]
    fn a_changed_value_breaks_the_chain_at_that_entry() {
        let mut entries = chain(5);
        entries[2].new = Some("forged".into());
        assert_eq!(verify_chain(&entries).unwrap_err().seq, 3);
    }

    #[test]
    fn a_removed_entry_is_detected() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(verify_chain(&entries).unwrap_err().seq, 3);
    }

    #[test]
    fn null_and_empty_text_hash_differently() {
        let mut a = chain(1).remove(0);
        a.old = None;
        let mut b = a.clone();
        b.old = Some(String::new());
        assert_ne!(a.expected_hash(), b.expected_hash());
    }
}
