//! Password hashes and checks (Argon2id), a few at a time.
//!
//! Each one holds the hasher's memory cost (19 MiB by default) on a blocking thread for as long
//! as it runs. Unbounded, fifty logins at once would hold about 950 MiB: a burst of logins at
//! the start of a shift, or anyone with a list of usernames, could push a small server out of
//! memory. They run one a core at a time; the others wait their turn without holding anything.

use crate::problem::{ApiError, ApiResult};
use caseward_crypto::PasswordHasher;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct PasswordWork {
    hasher: Arc<PasswordHasher>,
    turns: Arc<Semaphore>,
}

impl PasswordWork {
    /// `at_once` hashes or checks at a time (at least one).
    pub fn new(hasher: PasswordHasher, at_once: usize) -> Self {
        Self {
            hasher: Arc::new(hasher),
            turns: Arc::new(Semaphore::new(at_once.max(1))),
        }
    }

    /// Run `work` with the hasher on a blocking thread, in its turn.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&PasswordHasher) -> T + Send + 'static,
    ) -> ApiResult<T> {
        let turn = self
            .turns
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::Internal("the password hashing turns are closed".into()))?;
        let hasher = self.hasher.clone();
        tokio::task::spawn_blocking(move || {
            let done = work(&hasher);
            drop(turn);
            done
        })
        .await
        .map_err(|e| ApiError::Internal(format!("password hashing: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use caseward_crypto::PasswordParams;
    use std::sync::mpsc;

    /// Two runs held inside their work take both turns; a third waits for one to end.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_run_waits_while_the_turns_are_taken() {
        let work = PasswordWork::new(
            PasswordHasher::new(PasswordParams::insecure_for_tests()).unwrap(),
            2,
        );
        let (entered, entries) = mpsc::channel::<usize>();
        let mut releases = Vec::new();
        let mut runs = Vec::new();
        for i in 0..3 {
            let (release, released) = mpsc::channel::<()>();
            releases.push(release);
            let (work, entered) = (work.clone(), entered.clone());
            runs.push(tokio::spawn(async move {
                work.run(move |_| {
                    entered.send(i).unwrap();
                    released.recv().unwrap();
                    i
                })
                .await
            }));
            if i < 2 {
                // Both of the first two are inside at once (the bound is reached).
                let entries = tokio::task::block_in_place(|| entries.recv().unwrap());
                assert_eq!(entries, i);
            }
        }
        assert_eq!(work.turns.available_permits(), 0);
        assert!(entries.try_recv().is_err(), "a third run started");
        releases[0].send(()).unwrap();
        assert_eq!(runs.remove(0).await.unwrap().unwrap(), 0);
        // The first's turn passes to the third.
        assert_eq!(tokio::task::block_in_place(|| entries.recv().unwrap()), 2);
        releases[1].send(()).unwrap();
        releases[2].send(()).unwrap();
        for (run, i) in runs.into_iter().zip([1, 2]) {
            assert_eq!(run.await.unwrap().unwrap(), i);
        }
        assert_eq!(work.turns.available_permits(), 2);
    }
}
