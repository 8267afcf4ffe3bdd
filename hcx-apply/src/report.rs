//! Change records from the journal.
