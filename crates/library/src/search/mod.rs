pub mod analyzers;
