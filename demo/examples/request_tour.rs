//! One request through every layer of the demo, told by the layers themselves (the tour is
//! `demo::tour`; the book shows its output from `examples/request_tour.txt`).
//!
//! ```sh
//! cargo run -p demo --example request_tour
//! ```

fn main() {
    print!("{}", demo::tour::render());
}
