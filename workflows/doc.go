// Package workflows holds bokfor's Temporal workflow definitions and what
// callers need to address them: workflow ids, signal and query names, and
// the custom search attributes operators filter on in the Web UI.
//
// Workflow code here is deterministic: it uses workflow.Now, workflow.Go
// and workflow.Selector, never ranges over maps into commands, and imports
// no client, store or logger that does I/O. It is linted with workflowcheck.
package workflows
