// The generated fetch client names DOM's BodyInit; on Node, fetch takes undici's, the same type.
type BodyInit = import('undici-types').BodyInit;
