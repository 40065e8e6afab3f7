"""What every request passes through and every page prints, whichever app serves it: the Redis
cache that survives an outage, whole-page cache, rate limits, the client's address, the chosen
language, error and API-docs pages, statements prepared per connection, money and date boxes."""
