//! A text dump of the tree, one node per line: path, node type, priority,
//! indices, whether a wildcard child follows, and the route stored there.
//! The book's tree pictures are produced with it.
//!
//! ```text
//! /                     root      prio=3  indices="cs"
//! ├─ contact            static    prio=1                    => /contact
//! ```

use std::fmt;

use crate::tree::{Node, Tree};

impl<T> fmt::Display for Tree<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        print_node(f, &self.root, "", "")
    }
}

fn print_node<T>(
    f: &mut fmt::Formatter<'_>,
    n: &Node<T>,
    lead: &str,
    child_lead: &str,
) -> fmt::Result {
    let label = format!("{lead}{}", String::from_utf8_lossy(&n.path));
    let mut line = format!(
        "{label:<30} {:<9} prio={:<3}",
        n.node_type.as_str(),
        n.priority
    );
    if !n.indices.is_empty() {
        line.push_str(&format!(
            " indices={:?}",
            String::from_utf8_lossy(&n.indices)
        ));
    }
    if n.wild_child {
        line.push_str(" wild_child");
    }
    if n.value.is_some() {
        line.push_str(&format!("  => {}", n.full_path));
    }
    writeln!(f, "{}", line.trim_end())?;
    let count = n.children.len();
    for (i, child) in n.children.iter().enumerate() {
        let last = i + 1 == count;
        let (l, c) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        print_node(
            f,
            child,
            &format!("{child_lead}{l}"),
            &format!("{child_lead}{c}"),
        )?;
    }
    Ok(())
}
