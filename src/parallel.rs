//! Work over many files on every core, results in the order given: workers take the next
//! index from a shared counter and tag each result with it, which restores the order
//! afterwards. A panic in a worker is a bug and is raised again, never a partial result.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `work(0..count)` on up to `jobs` threads, in index order.
pub fn map_ordered<R: Send>(count: usize, jobs: usize, work: impl Fn(usize) -> R + Sync) -> Vec<R> {
    if jobs <= 1 || count < 2 {
        return (0..count).map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            if index >= count {
                break;
            }
            done.push((index, work(index)));
        }
        done
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..jobs.min(count)).map(|_| scope.spawn(worker)).collect();
        let mut all = Vec::with_capacity(count);
        for handle in handles {
            match handle.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::map_ordered;

    #[test]
    fn results_keep_their_order() {
        for jobs in [1, 2, 7] {
            assert_eq!(
                map_ordered(100, jobs, |i| i * 2),
                (0..100).map(|i| i * 2).collect::<Vec<_>>()
            );
        }
        assert!(map_ordered(0, 4, |i| i).is_empty());
    }
}
