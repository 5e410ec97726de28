//! Shared by the test files that need the database itself, not only the store.

/// One test per backend from an async fn taking the test database and its store.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = super::TestDatabase::new(super::Backend::Sqlite).await;
                let store = db.open().await;
                super::$name(&db, store).await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = super::TestDatabase::new(super::Backend::Postgres).await;
                let store = db.open().await;
                super::$name(&db, store).await;
            })*
        }
    };
}
