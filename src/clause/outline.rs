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
    /// The deadline a task table gives the clause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<super::Deadline>,
    /// Units that guide the work (`指导`): neither lead nor other.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub guiding: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<OutlineNode>,
}

#[derive(Debug, Serialize)]
pub struct OutlineUnits {
    /// The role label as the document writes it before `：`, e.g. `配合单位`; `null` when the
    /// note names the role with a verb instead (`X、Y负责`), which is then in `word`.
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub word: Option<String>,
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
                // An unnumbered heading is named in the path by its words (`附则`, `工作安排`).
                path.push(if n.label.is_empty() && n.style.is_none() {
                    n.heading.clone()
                } else {
                    n.label.clone()
                });
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
                        .filter(|g| g.role != Role::Guide)
                        .map(|g| OutlineUnits {
                            label: (!g.verb && !g.label.is_empty()).then(|| g.label.clone()),
                            word: g.verb.then(|| g.label.clone()),
                            role: if g.role == Role::Lead {
                                "lead"
                            } else {
                                "other"
                            },
                            names: g.names.clone(),
                        })
                        .collect(),
                    deadline: n.deadline.clone(),
                    guiding: n.units_with_role(Role::Guide).cloned().collect(),
                    children,
                };
                path.pop();
                node
            })
            .collect()
    }
    go(&tree.roots, &mut Vec::new())
}
