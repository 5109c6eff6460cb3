//! The resumable activation workflow (see the module docs once written).
