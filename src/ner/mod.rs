//! NER
