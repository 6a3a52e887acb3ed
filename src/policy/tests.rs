//! Tests of the priority-string evaluation against GnuTLS behaviour.
