
mod quotes;
