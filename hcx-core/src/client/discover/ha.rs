//! NE HA groups: read per mesh, then the group of each NE appliance.

use std::collections::HashMap;

use crate::client::{HcxClient, wire};

use super::DiscoveryWarning;

/// A mesh's NE HA groups, or `None` when they could not be read (membership unknown).
pub(super) type Groups = HashMap<String, Option<Vec<wire::HaGroup>>>;

/// Reads the HA groups of every mesh at once. A failed read, or a group that does not decode, leaves the
/// mesh's membership unknown, with a warning.
pub(super) async fn read(
    client: &HcxClient,
    meshes: &[&wire::ServiceMesh],
    site: &str,
    warnings: &mut Vec<DiscoveryWarning>,
) -> Groups {
    let reads = meshes.iter().map(|m| client.ha_group_list(&m.service_mesh_id));
    let answers = futures::future::join_all(reads).await;
    let mut out = Groups::new();
    for (m, answer) in meshes.iter().zip(answers) {
        let id = &m.service_mesh_id;
        let groups = match answer {
            // A group read without its type still names its members.
            Ok(list) if list.problems.iter().all(|p| p.left_out.is_some()) => Some(list.items),
            Ok(list) => {
                for p in list.problems.iter().filter(|p| p.left_out.is_none()) {
                    warnings.push(
                        DiscoveryWarning::new(
                            site,
                            format!(
                                "{}; NE HA membership read from the other end of the mesh, else unknown",
                                p.message
                            ),
                        )
                        .at(list.endpoint.clone())
                        .item(format!("mesh {id}, {}", p.name("HA group"))),
                    );
                }
                None
            }
            Err(e) => {
                warnings.push(
                    DiscoveryWarning::new(
                        site,
                        format!(
                            "NE HA groups not read ({e}); unless the other end of the mesh reports them, the mesh is marked ha_groups_unknown and no In-Service NE upgrade is planned on it"
                        ),
                    )
                    .item(format!("mesh {id}")),
                );
                None
            }
        };
        out.insert(id.clone(), groups);
    }
    out
}

/// The HA group of an appliance (by `applianceId` or `peerApplianceId`): its `name`, else its `groupId`, else
/// `<mesh>-ha-<n>` with a warning.
pub(super) fn group_of(
    groups: &[wire::HaGroup],
    mesh: &str,
    appliance: &str,
    site: &str,
    warnings: &mut Vec<DiscoveryWarning>,
) -> Option<String> {
    let (i, g) = groups.iter().enumerate().find(|(_, g)| g.has_member(appliance))?;
    Some(match g.label() {
        Some(l) => l.to_owned(),
        None => {
            let label = format!("{mesh}-ha-{i}");
            warnings.push(
                DiscoveryWarning::new(
                    site,
                    format!("has neither name nor groupId; its members are grouped as {label}"),
                )
                .item(format!("mesh {mesh}, HA group #{i}")),
            );
            label
        }
    })
}
