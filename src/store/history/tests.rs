use proptest::prelude::*;
use t3rs_core::orchestration::history_kv::MemoryKv;

use super::*;

/// Keys from a small alphabet, so prefixes, overwrites and removals collide often.
fn key() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), Just(0u8)], 1..4)
}

#[derive(Debug, Clone)]
enum Op {
    Put(Vec<u8>, u8),
    Delete(Vec<u8>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (key(), any::<u8>()).prop_map(|(k, v)| Op::Put(k, v)),
        key().prop_map(Op::Delete),
    ]
}

fn reads_agree(a: &impl HistoryRead, b: &impl HistoryRead) -> Result<(), TestCaseError> {
    for prefix in [&b""[..], b"a", b"b", b"ab", b"a\0", b"\0"] {
        prop_assert_eq!(a.scan(prefix).unwrap(), b.scan(prefix).unwrap());
        prop_assert_eq!(a.first(prefix).unwrap(), b.first(prefix).unwrap());
        prop_assert_eq!(a.last(prefix).unwrap(), b.last(prefix).unwrap());
    }
    for k in [&b"a"[..], b"ab", b"b\0", b"aaa"] {
        prop_assert_eq!(a.get(k).unwrap(), b.get(k).unwrap());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// An open batch reads as the store would after it; once written, the store reads the same.
    #[test]
    fn the_overlay_reads_as_the_store_will(
        stored in proptest::collection::vec(op(), 0..20),
        batch in proptest::collection::vec(op(), 0..20),
    ) {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let tree = db.open_tree(HISTORY_TREE).unwrap();
        let mut memory = MemoryKv::default();
        for op in &stored {
            match op {
                Op::Put(k, v) => {
                    tree.insert(k, vec![*v]).unwrap();
                    memory.put(k.clone(), vec![*v]);
                }
                Op::Delete(k) => {
                    tree.remove(k).unwrap();
                    memory.delete(k.clone());
                }
            }
        }
        let history = StoredHistory::new(tree.clone());
        let mut overlay = Overlay::default();
        let mut pending = Pending { stored: &history, overlay: &mut overlay };
        for op in &batch {
            match op {
                Op::Put(k, v) => {
                    pending.put(k.clone(), vec![*v]);
                    memory.put(k.clone(), vec![*v]);
                }
                Op::Delete(k) => {
                    pending.delete(k.clone());
                    memory.delete(k.clone());
                }
            }
        }
        reads_agree(&pending, &memory)?;
        tree.apply_batch(overlay.take_batch()).unwrap();
        prop_assert!(overlay.is_empty());
        reads_agree(&history, &memory)?;
    }
}
