"""Check: the arithmetic a report must satisfy. `identities` evaluates the codebook's identities
within one report; `crossyear` compares one agency's reports of consecutive years. In: reports
(or their summaries). Out: findings; a reported figure is never changed."""
