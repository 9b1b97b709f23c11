//! The machine-readable outline of a clause tree (`jiedu check --json`): per node its id, label
//! as written, path of labels, heading, text and unit groups, so structure can be compared
//! automatically and other systems (a CMS) can read it.

use serde::Serialize;

use super::{ClauseTree, Node, Role};

#[derive(Debug, Serialize)]
pub struct OutlineNode {
    pub id: String,
    pub label: String,
    pub path: Vec<String>,
    pub clause: bool,
    pub line: usize,
    pub heading: String,
    pub text: String,
    pub units: Vec<OutlineUnits>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<OutlineNode>,
}

#[derive(Debug, Serialize)]
pub struct OutlineUnits {
    /// The role word as the document writes it, e.g. `配合单位` or `负责`.
    pub label: String,
    /// `lead` or `other`.
    pub role: &'static str,
    pub names: Vec<String>,
}

/// The tree as outline nodes, nested under `children`, in document order.
pub fn outline(tree: &ClauseTree) -> Vec<OutlineNode> {
    fn go(nodes: &[Node], path: &mut Vec<String>) -> Vec<OutlineNode> {
        nodes
            .iter()
            .map(|n| {
                path.push(n.label.clone());
                let children = go(&n.children, path);
                let node = OutlineNode {
                    id: n.id.clone(),
                    label: n.label.clone(),
                    path: path.clone(),
                    clause: n.is_clause,
                    line: n.line,
                    heading: n.heading.clone(),
                    text: n
                        .paragraphs
                        .iter()
                        .map(|p| p.text.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    units: n
                        .units
                        .iter()
                        .map(|g| OutlineUnits {
                            label: g.label.clone(),
                            role: match g.role {
                                Role::Lead => "lead",
                                Role::Responsible => "other",
                            },
                            names: g.names.clone(),
                        })
                        .collect(),
                    children,
                };
                path.pop();
                node
            })
            .collect()
    }
    go(&tree.roots, &mut Vec::new())
}
