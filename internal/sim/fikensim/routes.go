package fikensim

import "net/http"

// apiRoutes maps Fiken's paths (under /api/v2) to handlers. Methods a
// path does not support get 405 from the mux; invoices have no DELETE.
func (s *Server) apiRoutes() *http.ServeMux {
	m := http.NewServeMux()
	c := func(pattern string, h handler) {
		m.HandleFunc(pattern, s.companyScoped(h))
	}
	const p = "/api/v2/companies/{slug}"
	m.HandleFunc("GET /api/v2/companies", s.listCompanies)
	c("GET "+p, s.getCompany)
	c("GET "+p+"/accounts", s.listAccounts)
	c("GET "+p+"/bankAccounts", s.listBankAccounts)
	c("POST "+p+"/bankAccounts", s.createBankAccount)

	c("GET "+p+"/contacts", s.listContacts)
	c("POST "+p+"/contacts", s.createContact)
	c("GET "+p+"/contacts/{contactId}", s.getContact)
	c("PUT "+p+"/contacts/{contactId}", s.updateContact)
	c("DELETE "+p+"/contacts/{contactId}", s.deleteContact)
	c("GET "+p+"/contacts/{contactId}/contactPerson", s.listContactPersons)
	c("POST "+p+"/contacts/{contactId}/contactPerson", s.addContactPerson)
	c("GET "+p+"/contacts/{contactId}/contactPerson/{personId}", s.getContactPerson)
	c("PUT "+p+"/contacts/{contactId}/contactPerson/{personId}", s.updateContactPerson)
	c("DELETE "+p+"/contacts/{contactId}/contactPerson/{personId}", s.deleteContactPerson)

	c("GET "+p+"/products", s.listProducts)
	c("POST "+p+"/products", s.createProduct)
	c("GET "+p+"/products/{productId}", s.getProduct)
	c("PUT "+p+"/products/{productId}", s.updateProduct)
	c("DELETE "+p+"/products/{productId}", s.deleteProduct)

	invCounter := func(co *company) **int64 { return &co.invoiceCounter }
	cnCounter := func(co *company) **int64 { return &co.creditNoteCounter }
	c("GET "+p+"/invoices", s.listInvoices)
	c("POST "+p+"/invoices", s.createInvoice)
	c("GET "+p+"/invoices/{invoiceId}", s.getInvoice)
	c("PATCH "+p+"/invoices/{invoiceId}", s.updateInvoice)
	c("GET "+p+"/invoices/{invoiceId}/attachments", s.listInvoiceAttachments)
	c("POST "+p+"/invoices/{invoiceId}/attachments", s.addInvoiceAttachment)
	c("POST "+p+"/invoices/send", s.sendInvoice)
	c("GET "+p+"/invoices/counter", s.getCounter(invCounter))
	c("POST "+p+"/invoices/counter", s.createCounter(invCounter))

	c("GET "+p+"/creditNotes", s.listCreditNotes)
	c("GET "+p+"/creditNotes/{creditNoteId}", s.getCreditNote)
	c("POST "+p+"/creditNotes/full", s.createFullCreditNote)
	c("POST "+p+"/creditNotes/partial", s.createPartialCreditNote)
	c("POST "+p+"/creditNotes/send", s.sendCreditNote)
	c("GET "+p+"/creditNotes/counter", s.getCounter(cnCounter))
	c("POST "+p+"/creditNotes/counter", s.createCounter(cnCounter))

	c("GET "+p+"/sales", s.listSales)
	c("POST "+p+"/sales", s.createSale)
	c("GET "+p+"/sales/{saleId}", s.getSale)
	c("PATCH "+p+"/sales/{saleId}/settled", s.settledSale)
	c("PATCH "+p+"/sales/{saleId}/writeOff", s.writeOffSale)
	c("PATCH "+p+"/sales/{saleId}/delete", s.deleteSale)
	c("GET "+p+"/sales/{saleId}/attachments", s.listSaleAttachments)
	c("POST "+p+"/sales/{saleId}/attachments", s.addSaleAttachment)
	c("GET "+p+"/sales/{saleId}/payments", s.listSalePayments)
	c("POST "+p+"/sales/{saleId}/payments", s.createSalePayment)
	c("GET "+p+"/sales/{saleId}/payments/{paymentId}", s.getSalePayment)
	return m
}
