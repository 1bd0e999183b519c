//! The risk method (6.1.2): the matrix, the meaning of each likelihood and impact level, the
//! level bands by score, and the acceptance threshold. Scores are likelihood x impact.

use serde::{Deserialize, Serialize};

use super::FieldError;

pub const MIN_SIZE: u8 = 3;
pub const MAX_SIZE: u8 = 5;

/// One step of the likelihood or impact scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub label: String,
    pub description: String,
}

/// A risk level: every score from `min_score` up to the next band's minimum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub name: String,
    pub min_score: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskMethod {
    /// The matrix is `size` x `size`; likelihood and impact run from 1 to `size`.
    pub size: u8,
    pub likelihood: Vec<Level>,
    pub impact: Vec<Level>,
    /// In ascending order of `min_score`; the first starts at 1.
    pub bands: Vec<Band>,
    /// Risks scoring at or below this may be accepted without further treatment.
    pub acceptance_threshold: u32,
}

fn level(label: &str, description: &str) -> Level {
    Level {
        label: label.into(),
        description: description.into(),
    }
}

fn default_likelihood(size: u8) -> Vec<Level> {
    match size {
        3 => vec![
            level("Unlikely", "Not expected in the next three years"),
            level("Possible", "Could happen in the next three years"),
            level("Likely", "Expected at least once a year"),
        ],
        4 => vec![
            level("Rare", "Not expected in the next five years"),
            level("Unlikely", "Could happen in the next five years"),
            level("Possible", "Could happen in the next year"),
            level("Likely", "Expected several times a year"),
        ],
        _ => vec![
            level("Rare", "Not expected in the next five years"),
            level("Unlikely", "Could happen in the next five years"),
            level("Possible", "Could happen in the next year"),
            level("Likely", "Expected once or more a year"),
            level("Almost certain", "Expected every month or is happening now"),
        ],
    }
}

fn default_impact(size: u8) -> Vec<Level> {
    match size {
        3 => vec![
            level(
                "Minor",
                "Little effect on customers, finances or obligations",
            ),
            level("Moderate", "Noticeable harm, recoverable within weeks"),
            level(
                "Severe",
                "Lasting harm to customers, finances or licence to operate",
            ),
        ],
        4 => vec![
            level(
                "Minor",
                "Little effect on customers, finances or obligations",
            ),
            level("Moderate", "Noticeable harm, recoverable within weeks"),
            level("Major", "Serious harm: regulator or key customers involved"),
            level(
                "Severe",
                "Lasting harm to customers, finances or licence to operate",
            ),
        ],
        _ => vec![
            level("Negligible", "No lasting effect; handled in normal work"),
            level(
                "Minor",
                "Little effect on customers, finances or obligations",
            ),
            level("Moderate", "Noticeable harm, recoverable within weeks"),
            level("Major", "Serious harm: regulator or key customers involved"),
            level(
                "Severe",
                "Lasting harm to customers, finances or licence to operate",
            ),
        ],
    }
}

/// Low, medium, high and critical bands spread over a matrix of `size`.
fn default_bands(size: u8) -> Vec<Band> {
    let band = |name: &str, min_score: u32| Band {
        name: name.into(),
        min_score,
    };
    match size {
        3 => vec![
            band("Low", 1),
            band("Medium", 3),
            band("High", 6),
            band("Critical", 9),
        ],
        4 => vec![
            band("Low", 1),
            band("Medium", 4),
            band("High", 8),
            band("Critical", 12),
        ],
        _ => vec![
            band("Low", 1),
            band("Medium", 5),
            band("High", 10),
            band("Critical", 17),
        ],
    }
}

impl RiskMethod {
    /// A ready-to-use method for a matrix of `size` (clamped to 3..=5).
    pub fn standard(size: u8) -> Self {
        let size = size.clamp(MIN_SIZE, MAX_SIZE);
        let bands = default_bands(size);
        // Accept what falls below "High" by default.
        let acceptance_threshold = bands[2].min_score - 1;
        RiskMethod {
            size,
            likelihood: default_likelihood(size),
            impact: default_impact(size),
            bands,
            acceptance_threshold,
        }
    }

    pub fn max_score(&self) -> u32 {
        u32::from(self.size) * u32::from(self.size)
    }

    /// The band a score falls in; scores below 1 count as the lowest band.
    pub fn band(&self, score: u32) -> Option<(usize, &Band)> {
        self.bands
            .iter()
            .enumerate()
            .rev()
            .find(|(_, band)| band.min_score <= score.max(1))
    }

    /// Whether a likelihood or impact value is on this method's scale.
    pub fn in_range(&self, value: u8) -> bool {
        (1..=self.size).contains(&value)
    }

    pub fn is_acceptable(&self, score: u32) -> bool {
        score <= self.acceptance_threshold
    }

    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if !(MIN_SIZE..=MAX_SIZE).contains(&self.size) {
            errors.push(FieldError::new(
                "size",
                format!("The matrix must be 3x3 to 5x5, not {0}x{0}.", self.size),
            ));
            return errors;
        }
        for (field, levels, what) in [
            ("likelihood", &self.likelihood, "likelihood"),
            ("impact", &self.impact, "impact"),
        ] {
            if levels.len() != usize::from(self.size) {
                errors.push(FieldError::new(
                    field,
                    format!(
                        "A {0}x{0} matrix needs {0} {what} levels, one per line; there are {1}.",
                        self.size,
                        levels.len()
                    ),
                ));
            } else if let Some(index) = levels.iter().position(|l| l.label.trim().is_empty()) {
                errors.push(FieldError::new(
                    field,
                    format!("{what} level {} needs a label.", index + 1),
                ));
            }
        }
        if self.bands.is_empty() {
            errors.push(FieldError::new(
                "bands",
                "At least one level band is needed.",
            ));
        } else if self.bands[0].min_score != 1 {
            errors.push(FieldError::new(
                "bands",
                "The first band must start at score 1.",
            ));
        } else if let Some(pair) = self
            .bands
            .windows(2)
            .find(|pair| pair[1].min_score <= pair[0].min_score)
        {
            errors.push(FieldError::new(
                "bands",
                format!(
                    "Bands must start at rising scores: {} does not start above {}.",
                    pair[1].name, pair[0].name
                ),
            ));
        } else if let Some(band) = self.bands.iter().find(|b| b.min_score > self.max_score()) {
            errors.push(FieldError::new(
                "bands",
                format!(
                    "{} starts at {}, above the highest score {}.",
                    band.name,
                    band.min_score,
                    self.max_score()
                ),
            ));
        } else if let Some(band) = self.bands.iter().find(|b| b.name.trim().is_empty()) {
            errors.push(FieldError::new(
                "bands",
                format!("The band starting at {} needs a name.", band.min_score),
            ));
        }
        if self.acceptance_threshold < 1 || self.acceptance_threshold > self.max_score() {
            errors.push(FieldError::new(
                "threshold",
                format!(
                    "The acceptance threshold must be a score from 1 to {}.",
                    self.max_score()
                ),
            ));
        }
        errors
    }
}

impl Default for RiskMethod {
    fn default() -> Self {
        RiskMethod::standard(5)
    }
}

/// The method's levels as editable text: one level per line, `Label: description`.
pub fn levels_to_text(levels: &[Level]) -> String {
    levels
        .iter()
        .map(|l| {
            if l.description.is_empty() {
                l.label.clone()
            } else {
                format!("{}: {}", l.label, l.description)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn levels_from_text(text: &str) -> Vec<Level> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| match line.split_once(':') {
            Some((label, description)) => level(label.trim(), description.trim()),
            None => level(line.trim(), ""),
        })
        .collect()
}

/// Bands as editable text: one band per line, `Name: lowest score`.
pub fn bands_to_text(bands: &[Band]) -> String {
    bands
        .iter()
        .map(|b| format!("{}: {}", b.name, b.min_score))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn bands_from_text(text: &str) -> Result<Vec<Band>, String> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(index, line)| {
            let (name, score) = line.rsplit_once(':').ok_or_else(|| {
                format!(
                    "Line {}: write a band as \"Name: lowest score\".",
                    index + 1
                )
            })?;
            let min_score = score.trim().parse::<u32>().map_err(|_| {
                format!(
                    "Line {}: \"{}\" is not a whole number.",
                    index + 1,
                    score.trim()
                )
            })?;
            Ok(Band {
                name: name.trim().to_string(),
                min_score,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_standard_methods_are_valid() {
        for size in MIN_SIZE..=MAX_SIZE {
            let method = RiskMethod::standard(size);
            assert!(
                method.validate().is_empty(),
                "{size}: {:?}",
                method.validate()
            );
            assert_eq!(method.likelihood.len(), usize::from(size));
        }
    }

    #[test]
    fn bands_follow_the_scores() {
        let method = RiskMethod::standard(5);
        let name = |score| method.band(score).unwrap().1.name.clone();
        assert_eq!(name(1), "Low");
        assert_eq!(name(4), "Low");
        assert_eq!(name(5), "Medium");
        assert_eq!(name(16), "High");
        assert_eq!(name(17), "Critical");
        assert_eq!(name(25), "Critical");
        assert!(method.is_acceptable(9) && !method.is_acceptable(10));
    }

    #[test]
    fn invalid_methods_are_explained() {
        let mut method = RiskMethod::standard(5);
        method.likelihood.pop();
        method.bands[1].min_score = 1;
        method.acceptance_threshold = 26;
        let fields: Vec<_> = method.validate().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["likelihood", "bands", "threshold"]);
    }

    #[test]
    fn text_forms_round_trip() {
        let method = RiskMethod::standard(4);
        assert_eq!(
            levels_from_text(&levels_to_text(&method.likelihood)),
            method.likelihood
        );
        assert_eq!(
            bands_from_text(&bands_to_text(&method.bands)).unwrap(),
            method.bands
        );
        assert!(bands_from_text("Low 1").unwrap_err().contains("Line 1"));
        assert!(bands_from_text("Low: one").unwrap_err().contains("\"one\""));
    }

    proptest! {
        /// Every score of every matrix size falls in exactly one band, and bands never go
        /// down as the score goes up.
        #[test]
        fn banding_is_total_and_monotonic(size in MIN_SIZE..=MAX_SIZE) {
            let method = RiskMethod::standard(size);
            for likelihood in 1..=size {
                for impact in 1..=size {
                    let score = u32::from(likelihood) * u32::from(impact);
                    prop_assert!(score >= 1 && score <= method.max_score());
                    prop_assert!(method.band(score).is_some());
                }
            }
            let mut last = 0;
            for score in 1..=method.max_score() {
                let (index, _) = method.band(score).unwrap();
                prop_assert!(index >= last);
                last = index;
            }
            prop_assert_eq!(method.band(method.max_score()).unwrap().0, method.bands.len() - 1);
        }

        /// Random band sets that pass validation give every score a band.
        #[test]
        fn valid_custom_bands_cover_every_score(size in MIN_SIZE..=MAX_SIZE, cuts in proptest::collection::btree_set(2u32..=25, 0..4), threshold in 1u32..=25) {
            let mut method = RiskMethod::standard(size);
            method.bands = std::iter::once(1).chain(cuts).map(|min_score| Band { name: format!("B{min_score}"), min_score }).collect();
            method.acceptance_threshold = threshold;
            if method.validate().is_empty() {
                for score in 1..=method.max_score() {
                    let (_, band) = method.band(score).unwrap();
                    prop_assert!(band.min_score <= score);
                }
            }
        }
    }
}
