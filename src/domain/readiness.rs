//! How ready the ISMS is for each stage of the certification audit, in percent, from the
//! criteria each stage looks at.
//!
//! Stage 1 reviews the documentation: it counts the required documented information in place
//! and approved. Stage 2 looks at the ISMS working: applicable controls implemented with
//! evidence, the internal audit programme carried out over every clause and applicable
//! control, a management review held in the last twelve months, and no major nonconformity
//! open. Each criterion counts equally; a stage is at 100% only when every criterion is met.

/// The figures the gauges are computed from, gathered by the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadinessFacts {
    pub required_documents: usize,
    /// Required documents with an approved document in place whose review is not overdue.
    pub required_documents_in_place: usize,
    pub applicable_controls: usize,
    pub controls_implemented_with_evidence: usize,
    /// Clauses 4-10 and applicable controls the audit programme has to cover.
    pub audit_scope: usize,
    /// Those covered by an internal audit that was reported or closed.
    pub audit_scope_covered: usize,
    /// A management review held in the last 12 months and since the last internal audit.
    pub review_up_to_date: bool,
    /// Internal audits reported or closed.
    pub audits_finished: usize,
    pub open_major_ncs: usize,
}

/// One thing a stage looks at, and how far it is met (0 to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub label: &'static str,
    /// A few words for the gauges, where both stages share a line each.
    pub short: &'static str,
    pub met: f64,
    /// The figures behind it, in words: "12 of 16".
    pub detail: String,
}

impl Criterion {
    fn counted(label: &'static str, short: &'static str, done: usize, of: usize) -> Self {
        Criterion {
            label,
            short,
            // Nothing to do is not done: a stage with no required items has not been prepared.
            met: if of == 0 {
                0.0
            } else {
                done.min(of) as f64 / of as f64
            },
            detail: format!("{done} of {of}"),
        }
    }

    fn yes_no(label: &'static str, short: &'static str, met: bool, detail: String) -> Self {
        Criterion {
            label,
            short,
            met: if met { 1.0 } else { 0.0 },
            detail,
        }
    }

    pub fn is_met(&self) -> bool {
        self.met >= 1.0
    }
}

/// A stage's readiness: its criteria and the percentage they make.
#[derive(Debug, Clone, PartialEq)]
pub struct StageReadiness {
    pub name: &'static str,
    pub criteria: Vec<Criterion>,
}

impl StageReadiness {
    /// The mean of the criteria, rounded down so that 100% means every criterion is met.
    pub fn percent(&self) -> u8 {
        if self.criteria.is_empty() {
            return 0;
        }
        let mean = self.criteria.iter().map(|c| c.met).sum::<f64>() / self.criteria.len() as f64;
        // A small tolerance keeps 3 of 3 criteria at 1.0 from rounding down to 99.
        ((mean * 100.0) + 1e-9).floor().clamp(0.0, 100.0) as u8
    }

    pub fn ratio(&self) -> f64 {
        f64::from(self.percent()) / 100.0
    }
}

pub fn stage1(facts: &ReadinessFacts) -> StageReadiness {
    StageReadiness {
        name: "Stage 1",
        criteria: vec![Criterion::counted(
            "Required documents in place and approved",
            "required documents",
            facts.required_documents_in_place,
            facts.required_documents,
        )],
    }
}

pub fn stage2(facts: &ReadinessFacts) -> StageReadiness {
    StageReadiness {
        name: "Stage 2",
        criteria: vec![
            Criterion::counted(
                "Applicable controls implemented with evidence",
                "controls",
                facts.controls_implemented_with_evidence,
                facts.applicable_controls,
            ),
            Criterion::counted(
                "Internal audit complete (clauses and controls covered)",
                "audited",
                facts.audit_scope_covered,
                facts.audit_scope,
            ),
            Criterion::yes_no(
                "Management review held in the last 12 months, after the internal audit",
                "review held",
                facts.review_up_to_date,
                if facts.review_up_to_date {
                    "held".into()
                } else {
                    "not held".into()
                },
            ),
            // Nothing to do is not done: without a finished audit nobody has looked for NCs.
            Criterion::yes_no(
                "No major nonconformity open after an internal audit",
                "no major NC open",
                facts.audits_finished > 0 && facts.open_major_ncs == 0,
                match (facts.audits_finished, facts.open_major_ncs) {
                    (0, 0) => "no audit yet".into(),
                    (_, 0) => "none open".into(),
                    (_, n) => format!("{n} open"),
                },
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ready() -> ReadinessFacts {
        ReadinessFacts {
            required_documents: 16,
            required_documents_in_place: 16,
            applicable_controls: 85,
            controls_implemented_with_evidence: 85,
            audit_scope: 119,
            audit_scope_covered: 119,
            review_up_to_date: true,
            audits_finished: 1,
            open_major_ncs: 0,
        }
    }

    #[test]
    fn a_ready_isms_is_at_one_hundred_percent_for_both_stages() {
        assert_eq!(stage1(&ready()).percent(), 100);
        assert_eq!(stage2(&ready()).percent(), 100);
        assert!(stage2(&ready()).criteria.iter().all(Criterion::is_met));
    }

    #[test]
    fn each_stage_counts_its_own_criteria() {
        let facts = ReadinessFacts {
            required_documents_in_place: 12,
            ..ready()
        };
        assert_eq!(stage1(&facts).percent(), 75);
        assert_eq!(stage1(&facts).criteria[0].detail, "12 of 16");
        // Documents do not move Stage 2.
        assert_eq!(stage2(&facts).percent(), 100);

        let facts = ReadinessFacts {
            open_major_ncs: 1,
            ..ready()
        };
        assert_eq!(stage2(&facts).percent(), 75);
        assert_eq!(stage2(&facts).criteria[3].detail, "1 open");
        let facts = ReadinessFacts {
            review_up_to_date: false,
            controls_implemented_with_evidence: 0,
            ..ready()
        };
        assert_eq!(stage2(&facts).percent(), 50);
    }

    #[test]
    fn an_empty_workspace_is_not_ready() {
        let facts = ReadinessFacts::default();
        assert_eq!(stage1(&facts).percent(), 0);
        // Not even "no major NC open": nobody has audited yet.
        assert_eq!(stage2(&facts).percent(), 0);
        assert_eq!(stage2(&facts).criteria[3].detail, "no audit yet");
    }

    #[test]
    fn one_missing_item_keeps_a_stage_below_one_hundred() {
        let facts = ReadinessFacts {
            audit_scope_covered: 118,
            ..ready()
        };
        assert!(stage2(&facts).percent() < 100);
    }

    proptest! {
        #[test]
        fn percentages_stay_within_bounds_and_grow_with_progress(
            of in 0usize..500, done in 0usize..600, more in 0usize..50,
            review in any::<bool>(), majors in 0usize..3, audits in 0usize..3,
        ) {
            let facts = ReadinessFacts {
                required_documents: of,
                required_documents_in_place: done,
                applicable_controls: of,
                controls_implemented_with_evidence: done,
                audit_scope: of,
                audit_scope_covered: done,
                review_up_to_date: review,
                audits_finished: audits,
                open_major_ncs: majors,
            };
            let better = ReadinessFacts {
                required_documents_in_place: done + more,
                controls_implemented_with_evidence: done + more,
                audit_scope_covered: done + more,
                ..facts.clone()
            };
            for stage in [stage1, stage2] {
                let percent = stage(&facts).percent();
                prop_assert!(percent <= 100);
                prop_assert!(stage(&better).percent() >= percent);
                prop_assert_eq!(
                    percent == 100,
                    stage(&facts).criteria.iter().all(Criterion::is_met)
                );
            }
        }
    }
}
