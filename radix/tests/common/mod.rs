pub mod gin_cases;
pub mod http;
pub mod yaml_pool;
