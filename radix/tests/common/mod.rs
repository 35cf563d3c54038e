pub mod gin_cases;
