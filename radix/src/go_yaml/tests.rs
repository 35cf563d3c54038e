//! go-yaml v2's layout, value by value: each expected text is what gopkg.in/yaml.v2 v2.4.0's
//! `yaml.Marshal` writes for the corresponding Go value.
