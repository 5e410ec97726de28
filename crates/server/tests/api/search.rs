//! Finding a case by a name's words: the assigned worker finds it; someone who may not read
//! the name (a supervisor, for a restricted field) does not, though the case number still
//! finds it for them.

use crate::world::World;
use caseward_store::testing::Backend;
use reqwest::StatusCode;
use serde_json::Value;

on_both_backends!(a_name_finds_its_case_for_those_who_may_read_the_name);

async fn ids(world: &World, who: &str, q: &str) -> Vec<String> {
    let response = world
        .client(who)
        .get(world.app.at("/api/v1/cases"))
        .query(&[("q", q), ("per_page", "100")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

async fn a_name_finds_its_case_for_those_who_may_read_the_name(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "child_protection").await;
    world.plant_case("worker1", "child_protection").await;
    let name = case
        .canaries
        .iter()
        .find(|c| c.path == "child_name")
        .expect("a planted name")
        .text
        .clone();
    assert_eq!(
        ids(&world, "worker1", &name.to_lowercase()).await,
        std::slice::from_ref(&case.id)
    );
    assert!(
        ids(&world, "supervisor1", &name).await.is_empty(),
        "the name is restricted"
    );
    let (status, read) = {
        let response = world
            .client("supervisor1")
            .get(world.app.at(&format!("/api/v1/cases/{}", case.id)))
            .send()
            .await
            .unwrap();
        (response.status(), response.json::<Value>().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    let number = read["case_number"].as_str().unwrap();
    assert_eq!(
        ids(&world, "supervisor1", number).await,
        std::slice::from_ref(&case.id)
    );
    assert!(
        ids(&world, "worker2", &name).await.is_empty(),
        "not a case worker2 reaches"
    );
}
