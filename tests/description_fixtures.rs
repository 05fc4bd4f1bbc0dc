//! The descriptions under tests/fixtures/descriptions/ generate types and samples; with
//! `KUBEFORGE_DESCRIPTION_DUMP=DIR` the outputs are written to DIR for inspection.

use std::path::Path;

fn generate(name: &str) -> kubeforge::description::Generated {
    let file = Path::new("tests/fixtures/descriptions").join(name);
    let text = std::fs::read_to_string(&file).unwrap();
    let desc = kubeforge::description::parse(&file, &text).unwrap_or_else(|e| panic!("{e}"));
    let out = kubeforge::description::generate(&desc, "batch.example.com", "cronjob-sample", true)
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(dir) = std::env::var_os("KUBEFORGE_DESCRIPTION_DUMP") {
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        let stem = name.trim_end_matches(".yaml");
        std::fs::write(dir.join(format!("{stem}.rs")), &out.types_rs).unwrap();
        std::fs::write(dir.join(format!("{stem}.sample.yaml")), &out.sample_yaml).unwrap();
    }
    out
}

#[test]
fn cronjob_generates() {
    let out = generate("cronjob.yaml");
    assert!(out.types_rs.contains("pub struct CronJobSpec"));
}

#[test]
#[ignore]
fn dump_one() {
    let file = std::path::PathBuf::from(std::env::var("DESC").unwrap());
    let text = std::fs::read_to_string(&file).unwrap();
    match kubeforge::description::parse(&file, &text)
        .and_then(|d| kubeforge::description::generate(&d, "x.example.com", "sample", true))
    {
        Ok(out) => println!("{}\n---\n{}", out.types_rs, out.sample_yaml),
        Err(e) => println!("ERROR {e}"),
    }
}
