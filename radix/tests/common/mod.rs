pub mod gin_cases;
pub mod http;
