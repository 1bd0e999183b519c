//! How ready the ISMS is for each stage of the certification audit, in percent, from the
//! criteria each stage looks at.
//!
//! Stage 1 reviews the documentation: it counts the required documented information in place
//! (an approved, current document, or the workbench's own records where they fulfil the
//! requirement). Stage 2 looks at the ISMS working: every Annex A control decided, applicable
//! controls implemented with evidence, the internal audit programme carried out over every
//! clause and applicable control, a management review held in the last twelve months, and no
//! major nonconformity open.
//!
//! A stage stands where its weakest criterion stands: an auditor fails the stage on its weakest
//! area, not on the average, so the headline is the lowest criterion's percentage. Nothing
//! passes on nothing: a count of 0 of 0 is 0%.

/// The figures the gauges are computed from, gathered from the records by
/// [`crate::domain::status::readiness_facts`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadinessFacts {
    pub required_documents: usize,
    /// Required documents in place: an approved document whose review is not overdue, or the
    /// workbench's own records where they fulfil it.
    pub required_documents_in_place: usize,
    /// Every Annex A control of the SoA.
    pub controls: usize,
    /// Controls decided applicable or excluded (not undecided).
    pub controls_decided: usize,
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
    /// How it is counted, in a sentence, for help and the README.
    pub how: &'static str,
}

impl Criterion {
    fn counted(
        label: &'static str,
        short: &'static str,
        how: &'static str,
        done: usize,
        of: usize,
    ) -> Self {
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
            how,
        }
    }

    fn yes_no(
        label: &'static str,
        short: &'static str,
        how: &'static str,
        met: bool,
        detail: String,
    ) -> Self {
        Criterion {
            label,
            short,
            met: if met { 1.0 } else { 0.0 },
            detail,
            how,
        }
    }

    pub fn is_met(&self) -> bool {
        self.met >= 1.0
    }

    /// Its own percentage, rounded down so that 100% means met.
    pub fn percent(&self) -> u8 {
        // A small tolerance keeps 3 of 3 at 1.0 from rounding down to 99.
        ((self.met * 100.0) + 1e-9).floor().clamp(0.0, 100.0) as u8
    }

    /// The figure as every output shows it: "12 of 16 (75%)", "held (100%)".
    pub fn figure(&self) -> String {
        format!("{} ({}%)", self.detail, self.percent())
    }
}

/// A stage's readiness: its criteria and the percentage they make.
#[derive(Debug, Clone, PartialEq)]
pub struct StageReadiness {
    pub name: &'static str,
    pub criteria: Vec<Criterion>,
}

impl StageReadiness {
    /// The weakest criterion's percentage: a stage is no further than its weakest area.
    /// A stage without criteria is at 0%.
    pub fn percent(&self) -> u8 {
        self.weakest().map_or(0, Criterion::percent)
    }

    /// The criterion the headline comes from (the first of the lowest).
    pub fn weakest(&self) -> Option<&Criterion> {
        self.criteria
            .iter()
            .reduce(|low, c| if c.met < low.met { c } else { low })
    }

    pub fn ratio(&self) -> f64 {
        f64::from(self.percent()) / 100.0
    }

    /// "Stage 1 readiness: 75% (weakest: Required documents in place)" as every output says it.
    pub fn headline(&self) -> String {
        match self.weakest() {
            Some(weakest) if !self.criteria.iter().all(Criterion::is_met) => format!(
                "{} readiness: {}% (weakest: {}, {})",
                self.name,
                self.percent(),
                weakest.short,
                weakest.detail
            ),
            _ => format!("{} readiness: {}%", self.name, self.percent()),
        }
    }
}

/// Readiness for both stages of the certification audit.
#[derive(Debug, Clone, PartialEq)]
pub struct Readiness {
    pub stage1: StageReadiness,
    pub stage2: StageReadiness,
}

impl Readiness {
    pub fn from_facts(facts: &ReadinessFacts) -> Self {
        Readiness {
            stage1: stage1(facts),
            stage2: stage2(facts),
        }
    }

    pub fn stages(&self) -> [&StageReadiness; 2] {
        [&self.stage1, &self.stage2]
    }
}

pub fn stage1(facts: &ReadinessFacts) -> StageReadiness {
    StageReadiness {
        name: "Stage 1",
        criteria: vec![Criterion::counted(
            "Required documents in place and approved",
            "required documents",
            "Required documented information (the clause documents, and the Annex A ones of \
             applicable controls) counted in place when an approved document whose review is not \
             overdue fulfils it, or when the workbench's own records do (scope statement, risk \
             register, approved SoA, audit reports, review minutes, ...), out of all required.",
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
                "Annex A controls decided (applicable or excluded)",
                "decided",
                "Controls of the SoA decided applicable or excluded, out of all 93; every \
                 undecided control counts against the stage.",
                facts.controls_decided,
                facts.controls,
            ),
            Criterion::counted(
                "Applicable controls implemented with evidence",
                "implemented",
                "Applicable controls marked implemented that have at least one document in use \
                 linked to them (by a control link or as their Annex A requirement), out of the \
                 applicable controls; none applicable counts as 0%.",
                facts.controls_implemented_with_evidence,
                facts.applicable_controls,
            ),
            Criterion::counted(
                "Internal audit complete (clauses and controls covered)",
                "audited",
                "Clauses 4-10 and applicable controls given a result (other than not audited) \
                 on the checklist of an audit reported or closed, out of all clauses and \
                 applicable controls.",
                facts.audit_scope_covered,
                facts.audit_scope,
            ),
            Criterion::yes_no(
                "Management review held in the last 12 months, after the internal audit",
                "review",
                "Met when a management review was held (not a draft) within the last 12 months \
                 and after the last internal audit ended.",
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
                "no major NC",
                "Met when at least one internal audit was reported or closed and no major \
                 nonconformity is open; before any audit nobody has looked, so it is not met.",
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
            controls: 93,
            controls_decided: 93,
            applicable_controls: 85,
            controls_implemented_with_evidence: 85,
            audit_scope: 119,
            audit_scope_covered: 119,
            review_up_to_date: true,
            audits_finished: 1,
            open_major_ncs: 0,
        }
    }

    fn criterion<'a>(stage: &'a StageReadiness, short: &str) -> &'a Criterion {
        stage
            .criteria
            .iter()
            .find(|c| c.short == short)
            .unwrap_or_else(|| panic!("{short} is a criterion"))
    }

    #[test]
    fn a_ready_isms_is_at_one_hundred_percent_for_both_stages() {
        assert_eq!(stage1(&ready()).percent(), 100);
        assert_eq!(stage2(&ready()).percent(), 100);
        assert!(stage2(&ready()).criteria.iter().all(Criterion::is_met));
        assert_eq!(stage2(&ready()).headline(), "Stage 2 readiness: 100%");
    }

    #[test]
    fn the_weakest_criterion_is_the_headline_not_the_mean() {
        // Four of five criteria met and one at 0%: the mean would say 80%.
        let facts = ReadinessFacts {
            review_up_to_date: false,
            ..ready()
        };
        let stage = stage2(&facts);
        assert_eq!(stage.percent(), 0);
        assert_eq!(stage.weakest().unwrap().short, "review");
        assert_eq!(
            stage.headline(),
            "Stage 2 readiness: 0% (weakest: review, not held)"
        );
        // Each criterion keeps its own figure.
        let facts = ReadinessFacts {
            controls_implemented_with_evidence: 68,
            audit_scope_covered: 60,
            ..ready()
        };
        let stage = stage2(&facts);
        assert_eq!(criterion(&stage, "implemented").figure(), "68 of 85 (80%)");
        assert_eq!(criterion(&stage, "audited").figure(), "60 of 119 (50%)");
        assert_eq!(criterion(&stage, "review").figure(), "held (100%)");
        assert_eq!(stage.percent(), 50, "the audit is the weakest");
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
        assert_eq!(stage2(&facts).percent(), 0);
        assert_eq!(criterion(&stage2(&facts), "no major NC").detail, "1 open");
    }

    #[test]
    fn undecided_controls_count_against_stage_two() {
        // Every applicable control implemented with evidence, but 8 controls still undecided.
        let facts = ReadinessFacts {
            controls_decided: 85,
            ..ready()
        };
        let stage = stage2(&facts);
        assert_eq!(criterion(&stage, "decided").detail, "85 of 93");
        assert!(!criterion(&stage, "decided").is_met());
        assert_eq!(stage.percent(), 91);
        assert_eq!(stage.weakest().unwrap().short, "decided");
    }

    #[test]
    fn nothing_passes_on_zero_of_zero() {
        // No SoA rows, no applicable control, nothing to audit, no required document.
        let facts = ReadinessFacts {
            required_documents: 0,
            required_documents_in_place: 0,
            controls: 0,
            controls_decided: 0,
            applicable_controls: 0,
            controls_implemented_with_evidence: 0,
            audit_scope: 0,
            audit_scope_covered: 0,
            ..ready()
        };
        assert_eq!(stage1(&facts).percent(), 0);
        for short in ["decided", "implemented", "audited"] {
            let stage = stage2(&facts);
            let c = criterion(&stage, short);
            assert!(!c.is_met(), "{short} passed on 0 of 0");
            assert_eq!(c.figure(), "0 of 0 (0%)");
        }
        assert_eq!(stage2(&facts).percent(), 0);
    }

    #[test]
    fn an_empty_workspace_is_not_ready() {
        let facts = ReadinessFacts::default();
        assert_eq!(stage1(&facts).percent(), 0);
        // Not even "no major NC open": nobody has audited yet.
        assert_eq!(stage2(&facts).percent(), 0);
        assert_eq!(
            criterion(&stage2(&facts), "no major NC").detail,
            "no audit yet"
        );
        assert!(stage2(&facts).criteria.iter().all(|c| !c.is_met()));
    }

    #[test]
    fn one_missing_item_keeps_a_stage_below_one_hundred() {
        let facts = ReadinessFacts {
            audit_scope_covered: 118,
            ..ready()
        };
        assert!(stage2(&facts).percent() < 100);
    }

    #[test]
    fn every_criterion_says_how_it_is_counted() {
        let readiness = Readiness::from_facts(&ready());
        for stage in readiness.stages() {
            for c in &stage.criteria {
                assert!(c.how.len() > 40, "{}", c.label);
            }
        }
    }

    proptest! {
        #[test]
        fn the_headline_is_never_above_any_criterion_and_grows_with_progress(
            of in 0usize..500, done in 0usize..600, more in 0usize..50,
            decided in 0usize..100, review in any::<bool>(), majors in 0usize..3,
            audits in 0usize..3,
        ) {
            let facts = ReadinessFacts {
                required_documents: of,
                required_documents_in_place: done,
                controls: 93,
                controls_decided: decided,
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
                controls_decided: decided + more,
                ..facts.clone()
            };
            for stage in [stage1, stage2] {
                let readiness = stage(&facts);
                let percent = readiness.percent();
                prop_assert!(percent <= 100);
                for c in &readiness.criteria {
                    prop_assert!(percent <= c.percent(), "{} above {}", percent, c.label);
                }
                prop_assert!(readiness.criteria.iter().any(|c| c.percent() == percent));
                prop_assert!(stage(&better).percent() >= percent);
                prop_assert_eq!(
                    percent == 100,
                    readiness.criteria.iter().all(Criterion::is_met)
                );
            }
        }
    }
}
