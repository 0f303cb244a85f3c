//! `gptscope signals --recompute`: the monetisation signals of a stored snapshot computed again
//! with the current rules (a snapshot from before signals existed, or after the rules or the
//! funnel-domain list changed). The fields the rules read are rebuilt from the stored columns
//! (name, description, starters, welcome message, Actions, the author's website), evaluated by
//! the same [`Rules`] the import uses, and written back in one transaction: a failure leaves the
//! snapshot as it was.

use super::chunks;
use super::db::{Db, Result};
use super::record::{Action, AuthKind, GptRecord};
use super::schema::{SIGNALS_VERSION, gpt_table};
use super::versions;
use crate::signals::Rules;
use rusqlite::params;
use rustc_hash::FxHashMap;

/// What a recompute changed.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Recomputed {
    pub snapshot: i64,
    pub gpts: u64,
    /// GPTs whose signals differ from what was stored.
    pub changed: u64,
    /// GPTs with at least one signal, by kind name.
    pub signals: std::collections::BTreeMap<String, u64>,
}

/// Recomputes the signals of snapshot `snapshot_id`.
pub fn recompute(db: &mut Db, snapshot_id: i64, rules: &Rules) -> Result<Recomputed> {
    let path = db.path().to_path_buf();
    let err = move |e| super::StoreError::from_sqlite(&path, e);
    let t = gpt_table(snapshot_id);
    let tx = db
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(&err)?;
    // Actions by detail hash.
    let mut actions: FxHashMap<Vec<u8>, Vec<Action>> = FxHashMap::default();
    {
        let mut st = tx
            .prepare(&format!(
                "SELECT a.detail, a.domain, a.auth FROM detail_action a
                 WHERE a.detail IN (SELECT detail FROM {t} WHERE actions > 0)
                 ORDER BY a.detail, a.pos"
            ))
            .map_err(&err)?;
        let mut rows = st.query([]).map_err(&err)?;
        while let Some(r) = rows.next().map_err(&err)? {
            actions
                .entry(r.get(0).map_err(&err)?)
                .or_default()
                .push(Action {
                    domain: r.get(1).map_err(&err)?,
                    auth: AuthKind::parse(&r.get::<_, String>(2).map_err(&err)?),
                    privacy_policy_url: None,
                });
        }
    }
    let mut out = Recomputed {
        snapshot: snapshot_id,
        ..Recomputed::default()
    };
    let mut updates: Vec<(i64, u8, Option<String>)> = Vec::new();
    {
        let mut st = tx
            .prepare(&format!(
                "SELECT g.rowid, g.name, d.description, d.welcome_message, d.prompt_starters,
                        a.link_to, a.selected_display, g.detail, g.signals, g.evidence
                 FROM {t} g JOIN detail d ON d.hash = g.detail
                 LEFT JOIN {authors}",
                authors = versions::author_join("a", "g.author_id", snapshot_id)
            ))
            .map_err(&err)?;
        let mut rows = st.query([]).map_err(&err)?;
        while let Some(r) = rows.next().map_err(&err)? {
            let mut record = GptRecord {
                name: r.get(1).map_err(&err)?,
                description: r.get(2).map_err(&err)?,
                welcome_message: r.get(3).map_err(&err)?,
                prompt_starters: serde_json::from_str(&r.get::<_, String>(4).map_err(&err)?)
                    .unwrap_or_default(),
                ..GptRecord::default()
            };
            record.author.link_to = r.get(5).map_err(&err)?;
            record.author.selected_display = r.get(6).map_err(&err)?;
            let detail: Vec<u8> = r.get(7).map_err(&err)?;
            if let Some(a) = actions.get(&detail) {
                record.actions = a.clone();
            }
            let (signals, evidence) = crate::signals::encode(&rules.evaluate(&record));
            out.gpts += 1;
            for kind in crate::signals::SignalKind::ALL {
                if signals & kind.bit() != 0 {
                    *out.signals.entry(kind.name().to_owned()).or_default() += 1;
                }
            }
            let old: (u8, Option<String>) = (
                r.get::<_, u32>(8).map_err(&err)? as u8,
                r.get(9).map_err(&err)?,
            );
            if old != (signals, evidence.clone()) {
                out.changed += 1;
                updates.push((r.get(0).map_err(&err)?, signals, evidence));
            }
        }
    }
    {
        // A version shared with other snapshots is split first: only this snapshot's GPTs
        // get the new signals.
        let snapshots: Vec<i64> = {
            let mut st = tx
                .prepare("SELECT id FROM snapshot ORDER BY id")
                .map_err(&err)?;
            st.query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect::<rusqlite::Result<_>>())
                .map_err(&err)?
        };
        let mut st = tx
            .prepare("UPDATE gpt SET signals = ?2, evidence = ?3 WHERE vid = ?1")
            .map_err(&err)?;
        let before: i64 = tx
            .query_row("SELECT coalesce(max(vid), 0) + 1 FROM gpt", [], |r| {
                r.get(0)
            })
            .map_err(&err)?;
        for (vid, signals, evidence) in &updates {
            versions::isolate(&tx, *vid, snapshot_id, &snapshots).map_err(&err)?;
            st.execute(params![vid, signals, evidence]).map_err(&err)?;
            versions::rehash(&tx, *vid).map_err(&err)?;
        }
        if !updates.is_empty() {
            // The columns of the rewritten versions and of the copies (the new ids), each
            // chunk once, and every snapshot's version ids and first page (a split moves the
            // other snapshots to the copies).
            let top: i64 = tx
                .query_row("SELECT coalesce(max(vid), 0) FROM gpt", [], |r| r.get(0))
                .map_err(&err)?;
            chunks::refresh_vids(&tx, updates.iter().map(|u| u.0).chain(before..=top))
                .map_err(&err)?;
            chunks::write_all_members(&tx).map_err(&err)?;
            chunks::write_all_tops(&tx).map_err(&err)?;
        }
    }
    tx.execute(
        "UPDATE snapshot SET signals_version = ?2 WHERE id = ?1",
        params![snapshot_id, SIGNALS_VERSION],
    )
    .map_err(&err)?;
    tx.execute("DELETE FROM summary WHERE snapshot_id = ?1", [snapshot_id])
        .map_err(&err)?;
    tx.commit().map_err(&err)?;
    crate::stats::summary::write(db, snapshot_id)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::view::Columns;

    /// GPTs with at least one signal in snapshot `s`, as its columns read them.
    fn with_signals(db: &Db, s: i64) -> usize {
        let c = Columns::load(db, s).unwrap();
        c.all_ids()
            .iter()
            .filter(|id| c.signals[(**id - 1) as usize] != 0)
            .count()
    }

    #[test]
    fn a_recompute_of_one_snapshot_leaves_the_snapshots_sharing_its_versions_as_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let (_, mut db) = crate::assets::sample_db(dir.path());
        crate::assets::import_sample(&mut db).unwrap();
        let both: i64 = db
            .conn()
            .query_row("SELECT count(*) FROM gpt", [], |r| r.get(0))
            .unwrap();
        // Both snapshots without signals (as before signals existed), their columns built
        // from those rows and no summary, as a migration leaves them.
        db.conn()
            .execute_batch("UPDATE gpt SET signals = 0, evidence = NULL; DELETE FROM summary;")
            .unwrap();
        chunks::build_all(db.conn()).unwrap();
        assert_eq!((with_signals(&db, 1), with_signals(&db, 2)), (0, 0));

        let done = recompute(&mut db, 2, &Rules::default()).unwrap();
        assert!(done.changed > 0);
        // Snapshot 2 has its signals; snapshot 1 still shares nothing new and has none.
        assert_eq!(with_signals(&db, 2), done.changed as usize);
        assert_eq!(with_signals(&db, 1), 0);
        let grown: i64 = db
            .conn()
            .query_row("SELECT count(*) FROM gpt", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            grown,
            both + done.changed as i64,
            "each changed version split in two"
        );
        let stats = crate::stats::summary::stats_json(&db, 1, &Default::default()).unwrap();
        assert_eq!(stats["no_signal"], stats["gpts"]);
        // The split moved snapshot 1's GPTs to new version ids: each snapshot's stored first
        // page still names its most used GPTs, as its whole list orders them.
        for s in [1, 2] {
            let c = Columns::load(&db, s).unwrap();
            let pass = c.passing(&crate::store::view::Filter::default(), None);
            let ordering = c.ordering(crate::store::view::SortKey::Conversations);
            let mut want = c.in_order(&pass, &ordering, true);
            want.truncate(crate::store::schema::TOP);
            let stored = crate::store::query::top_by_conversations(&db, s).unwrap();
            assert_eq!(stored, Some(want), "snapshot {s}");
        }
    }
}
