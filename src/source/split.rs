//! A split index (`git update-index --split-index`, or `core.splitIndex`): the index file
//! holds only what changed since a shared index (`sharedindex.<id>` in the git directory).
//! Its `link` extension names that shared index and carries two EWAH-compressed bitmaps over
//! the shared index's entries: those deleted, and those replaced. The replacing entries come
//! first in the index file, in order and without names; the entries after them are added.
//! Joining the two gives the index git works with.

use std::collections::BTreeMap;

use super::index::{Index, RawEntry, SPARSE_DIRECTORY};

/// The `link` extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    shared: [u8; 20],
    /// Positions in the shared index, ascending.
    delete: Vec<usize>,
    replace: Vec<usize>,
}

impl Link {
    pub fn parse(body: &[u8]) -> Option<Link> {
        let shared: [u8; 20] = body.get(..20)?.try_into().ok()?;
        let rest = &body[20..];
        // An index split without changes yet may end after the id.
        if rest.is_empty() {
            return Some(Link {
                shared,
                delete: Vec::new(),
                replace: Vec::new(),
            });
        }
        let (delete, used) = ewah(rest)?;
        let (replace, more) = ewah(rest.get(used..)?)?;
        (used + more == rest.len()).then_some(Link {
            shared,
            delete,
            replace,
        })
    }

    /// The shared index's id in hex; `None` for the null id (nothing is shared).
    pub fn base(&self) -> Option<String> {
        if self.shared == [0; 20] {
            return None;
        }
        Some(self.shared.iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// Join a shared index with the index file that links to it, as git does: replace, delete,
/// then add (an added entry takes the place of one with the same path and stage).
pub fn join(base: &Index, split: &Index, link: &Link) -> Option<Index> {
    let mut entries: Vec<RawEntry<'_>> = base.raw().collect();
    let mut own = split.raw();
    for &at in &link.replace {
        let (name, mode, id, stage, skip) = own.next()?;
        let slot = entries.get_mut(at)?;
        // Replacing entries carry no name: the shared entry's stays.
        if !name.is_empty() {
            return None;
        }
        *slot = (slot.0, mode, id, stage, skip || slot.4);
    }
    let mut deleted = vec![false; entries.len()];
    for &at in &link.delete {
        *deleted.get_mut(at)? = true;
    }
    let mut joined: BTreeMap<_, _> = entries
        .iter()
        .zip(&deleted)
        .filter(|(_, deleted)| !**deleted)
        .map(|(&(path, mode, id, stage, skip), _)| ((path, stage), (mode, id, skip)))
        .collect();
    for (path, mode, id, stage, skip) in own {
        if path.is_empty() {
            return None;
        }
        joined.insert((path, stage), (mode, id, skip));
    }
    let sparse = split.sparse
        || base.sparse
        || joined
            .values()
            .any(|(mode, _, _)| *mode == SPARSE_DIRECTORY);
    Some(Index::from_raw(
        joined
            .into_iter()
            .map(|((path, stage), (mode, id, skip))| (path, mode, id, stage, skip)),
        split.tree.clone(),
        sparse,
    ))
}

/// More entries than any index holds (git's own limit is far lower in practice).
const MAX_ENTRIES: usize = 1 << 26;

/// Decode one EWAH bitmap (git's `ewah/ewah_io.c` layout): the number of bits, the number
/// of 64-bit words, the words, the position of the last run-length word; all big-endian.
/// Each run-length word says how many words of one bit value follow implicitly (bits 1-32,
/// the value in bit 0) and how many literal words follow it (bits 33-63). Returns the set
/// bits' positions and the bytes read.
fn ewah(data: &[u8]) -> Option<(Vec<usize>, usize)> {
    let be32 = |at: usize| -> Option<usize> {
        Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?) as usize)
    };
    let bits = be32(0)?;
    // A bit per entry of the shared index: far fewer than this in any repository, and a
    // corrupt count must not make us list billions of positions.
    if bits > MAX_ENTRIES {
        return None;
    }
    let words = be32(4)?;
    let end = 8usize.checked_add(words.checked_mul(8)?)?;
    let word = |i: usize| -> Option<u64> {
        let at = 8 + i * 8;
        Some(u64::from_be_bytes(data.get(at..at + 8)?.try_into().ok()?))
    };
    let mut set = Vec::new();
    let mut position = 0usize;
    let mut i = 0;
    while i < words {
        let marker = word(i)?;
        i += 1;
        let running = usize::try_from((marker >> 1) & 0xffff_ffff).ok()?;
        let literals = usize::try_from(marker >> 33).ok()?;
        let span = running.checked_mul(64)?;
        if marker & 1 == 1 {
            set.extend(position..position.checked_add(span)?.min(bits));
        }
        position = position.checked_add(span)?;
        for _ in 0..literals {
            let literal = word(i)?;
            i += 1;
            for bit in 0..64 {
                if literal & (1 << bit) != 0 {
                    set.push(position + bit);
                }
            }
            position = position.checked_add(64)?;
        }
    }
    set.retain(|&p| p < bits);
    // The last run-length word's position closes the bitmap.
    be32(end)?;
    Some((set, end + 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bitmap(bits: u32, words: &[u64]) -> Vec<u8> {
        let mut out = bits.to_be_bytes().to_vec();
        out.extend((words.len() as u32).to_be_bytes());
        for w in words {
            out.extend(w.to_be_bytes());
        }
        out.extend(0u32.to_be_bytes());
        out
    }

    #[test]
    fn ewah_runs_and_literals() {
        // One marker: no run, one literal word with bits 0 and 3 set.
        let data = bitmap(5, &[1 << 33, 0b1001]);
        assert_eq!(ewah(&data), Some((vec![0, 3], data.len())));
        // A run of one word of ones, then a literal with bit 1: positions 0..64 and 65.
        let data = bitmap(70, &[(1 << 33) | (1 << 1) | 1, 0b10]);
        let (set, _) = ewah(&data).expect("decodes");
        assert_eq!(set.len(), 65);
        assert_eq!(set.last(), Some(&65));
        // An empty bitmap.
        let data = bitmap(0, &[]);
        assert_eq!(ewah(&data), Some((Vec::new(), 12)));
    }

    #[test]
    fn absurd_sizes_are_refused_not_allocated() {
        // A run of 2^32 - 1 words of ones over a claimed 2^32 - 1 bits.
        let data = bitmap(u32::MAX, &[(0xffff_ffff << 1) | 1]);
        assert_eq!(ewah(&data), None);
    }

    #[test]
    fn truncated_bitmaps_are_refused() {
        let data = bitmap(5, &[1 << 33, 0b1001]);
        for cut in 0..data.len() {
            assert_eq!(ewah(&data[..cut]), None, "cut at {cut}");
        }
    }
}
