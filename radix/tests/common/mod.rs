pub mod gin_cases;
pub mod go;
pub mod http;
pub mod rng;
