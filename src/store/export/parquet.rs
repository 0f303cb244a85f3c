//! The GPT export as Parquet (the `parquet` crate of arrow-rs): the fields of the CSV export
//! ([`super::GPT_FIELDS`]) with their types — lists (`categories`, `tools`, `action_domains`,
//! `signals`) as list columns, times as UTC timestamps, counts as 64-bit integers, absent
//! values as nulls (times in milliseconds: Parquet has no seconds) — in row groups of [`GROUP`] rows, each written as soon as it is full, so
//! memory holds one group, never the export. Snappy-compressed (what DuckDB, Polars, Spark and
//! Trino all read).
//!
//! One snapshot is one file; `export --all-snapshots` writes `DIR/snapshot_id=N/part-0.parquet`
//! for each, the Hive layout those engines read as one table partitioned by snapshot (the
//! path for a history that outgrows one machine).

use super::GptOut;
use crate::store::StoreError;
use crate::store::db::Result;
use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampMillisecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::io::Write;
use std::sync::Arc;

/// Rows a row group holds (and the builders before they are flushed).
pub const GROUP: usize = 65_536;

/// The schema: [`super::GPT_FIELDS`] in order, typed.
pub fn schema() -> SchemaRef {
    let list = |name: &str| {
        Field::new(
            name,
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            false,
        )
    };
    let time = |name: &str| {
        Field::new(
            name,
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            true,
        )
    };
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("url", DataType::Utf8, false),
        Field::new("name", DataType::Utf8, false),
        Field::new("description", DataType::Utf8, true),
        Field::new("author_id", DataType::Utf8, true),
        Field::new("author_name", DataType::Utf8, true),
        Field::new("author_verified", DataType::Boolean, false),
        list("categories"),
        list("tools"),
        list("action_domains"),
        Field::new("knowledge_files", DataType::Int64, false),
        Field::new("conversations", DataType::Utf8, true),
        Field::new("conversations_lower_bound", DataType::Int64, true),
        Field::new("rating", DataType::Float64, true),
        Field::new("review_count", DataType::Int64, true),
        Field::new("review_total", DataType::Int64, true),
        time("created_at"),
        time("updated_at"),
        list("signals"),
        Field::new("available", DataType::Boolean, false),
        Field::new("fetch_status", DataType::Utf8, true),
        Field::new("language", DataType::Utf8, false),
        Field::new("snapshot_id", DataType::Int64, false),
    ]))
}

/// One row group's columns being filled.
#[derive(Default)]
struct Builders {
    id: StringBuilder,
    url: StringBuilder,
    name: StringBuilder,
    description: StringBuilder,
    author_id: StringBuilder,
    author_name: StringBuilder,
    author_verified: BooleanBuilder,
    categories: ListBuilder<StringBuilder>,
    tools: ListBuilder<StringBuilder>,
    action_domains: ListBuilder<StringBuilder>,
    knowledge_files: Int64Builder,
    conversations: StringBuilder,
    conversations_lower_bound: Int64Builder,
    rating: Float64Builder,
    review_count: Int64Builder,
    review_total: Int64Builder,
    created_at: TimestampMillisecondBuilder,
    updated_at: TimestampMillisecondBuilder,
    signals: ListBuilder<StringBuilder>,
    available: BooleanBuilder,
    fetch_status: StringBuilder,
    language: StringBuilder,
    snapshot_id: Int64Builder,
}

fn list<S: AsRef<str>>(b: &mut ListBuilder<StringBuilder>, items: &[S]) {
    for i in items {
        b.values().append_value(i.as_ref());
    }
    b.append(true);
}

impl Builders {
    fn push(&mut self, g: &GptOut) {
        self.id.append_value(&g.id);
        self.url.append_value(&g.url);
        self.name.append_value(&g.name);
        self.description.append_option(g.description.as_deref());
        self.author_id.append_option(g.author_id.as_deref());
        self.author_name.append_option(g.author_name.as_deref());
        self.author_verified.append_value(g.author_verified);
        list(&mut self.categories, &g.categories);
        list(&mut self.tools, &g.tools);
        list(&mut self.action_domains, &g.action_domains);
        self.knowledge_files.append_value(g.knowledge_files);
        self.conversations.append_option(g.conversations.as_deref());
        self.conversations_lower_bound
            .append_option(g.conversations_lower_bound);
        self.rating.append_option(g.rating);
        self.review_count.append_option(g.review_count);
        self.review_total.append_option(g.review_total);
        // Milliseconds: Parquet has no timestamp in seconds (arrow-rs wrote those as plain
        // integers, which DuckDB read as BIGINT).
        self.created_at
            .append_option(g.created_unix.map(|t| t * 1000));
        self.updated_at
            .append_option(g.updated_unix.map(|t| t * 1000));
        list(&mut self.signals, &g.signals);
        self.available.append_value(g.available);
        self.fetch_status.append_option(g.fetch_status.as_deref());
        self.language.append_value(g.language.code());
        self.snapshot_id.append_value(g.snapshot_id);
    }

    /// The rows so far as a batch (the builders start again empty).
    fn finish(&mut self, schema: &SchemaRef) -> std::result::Result<RecordBatch, String> {
        let utc = |b: &mut TimestampMillisecondBuilder| -> ArrayRef {
            Arc::new(b.finish().with_timezone("UTC"))
        };
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.id.finish()),
            Arc::new(self.url.finish()),
            Arc::new(self.name.finish()),
            Arc::new(self.description.finish()),
            Arc::new(self.author_id.finish()),
            Arc::new(self.author_name.finish()),
            Arc::new(self.author_verified.finish()),
            Arc::new(self.categories.finish()),
            Arc::new(self.tools.finish()),
            Arc::new(self.action_domains.finish()),
            Arc::new(self.knowledge_files.finish()),
            Arc::new(self.conversations.finish()),
            Arc::new(self.conversations_lower_bound.finish()),
            Arc::new(self.rating.finish()),
            Arc::new(self.review_count.finish()),
            Arc::new(self.review_total.finish()),
            utc(&mut self.created_at),
            utc(&mut self.updated_at),
            Arc::new(self.signals.finish()),
            Arc::new(self.available.finish()),
            Arc::new(self.fetch_status.finish()),
            Arc::new(self.language.finish()),
            Arc::new(self.snapshot_id.finish()),
        ];
        RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())
    }
}

/// Writes GPTs as one Parquet file into `out`, a row group at a time.
pub struct ParquetGpts<W: Write + Send> {
    writer: ArrowWriter<W>,
    schema: SchemaRef,
    builders: Builders,
    pending: usize,
    rows: usize,
}

/// A Parquet error as ours: a full disk and other write failures are write errors.
fn err(e: parquet::errors::ParquetError) -> StoreError {
    match e {
        parquet::errors::ParquetError::External(inner) => {
            match inner.downcast::<std::io::Error>() {
                Ok(io) => StoreError::Write(*io),
                Err(other) => StoreError::Write(std::io::Error::other(other.to_string())),
            }
        }
        e => StoreError::Write(std::io::Error::other(e.to_string())),
    }
}

impl<W: Write + Send> ParquetGpts<W> {
    pub fn new(out: W) -> Result<ParquetGpts<W>> {
        let schema = schema();
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(GROUP))
            .set_created_by(format!("gptscope {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(props)).map_err(err)?;
        Ok(ParquetGpts {
            writer,
            schema,
            builders: Builders::default(),
            pending: 0,
            rows: 0,
        })
    }

    pub fn push(&mut self, g: &GptOut) -> Result<()> {
        self.builders.push(g);
        self.pending += 1;
        self.rows += 1;
        if self.pending >= GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        let batch = self
            .builders
            .finish(&self.schema)
            .map_err(|e| StoreError::Invalid(format!("parquet export: {e}")))?;
        self.pending = 0;
        self.writer.write(&batch).map_err(err)?;
        self.writer.flush().map_err(err)
    }

    /// Writes what is left and the footer; returns the rows written.
    pub fn finish(mut self) -> Result<usize> {
        self.flush()?;
        self.writer.close().map_err(err)?;
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A disk that fills after `room` bytes.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if buf.len() > self.room {
                return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
            }
            self.room -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn gpt(i: i64) -> GptOut {
        GptOut {
            id: format!("g-{i:09}"),
            url: format!("https://chatgpt.com/g/g-{i:09}"),
            name: format!("GPT {i} ✓ 名前"),
            description: (i % 2 == 0).then(|| "d".repeat(200)),
            author_id: Some(format!("user-{}", i % 7)),
            author_name: None,
            author_verified: false,
            categories: vec!["writing".into()],
            tools: vec!["browser", "python"],
            action_domains: Vec::new(),
            knowledge_files: 0,
            conversations: Some("1K+".into()),
            conversations_lower_bound: Some(1000),
            rating: (i % 3 == 0).then_some(4.5),
            review_count: Some(i),
            review_total: Some(i * 4),
            created_at: None,
            updated_at: None,
            signals: Vec::new(),
            available: true,
            fetch_status: None,
            language: crate::language::Language::parse("en").unwrap_or_default(),
            snapshot_id: 1,
            created_unix: Some(1_700_000_000 + i),
            updated_unix: None,
        }
    }

    #[test]
    fn a_full_disk_is_a_write_error_that_says_so() {
        let mut w = ParquetGpts::new(Full { room: 20_000 }).unwrap();
        let failed = (0..GROUP as i64 + 10)
            .map(|i| w.push(&gpt(i)))
            .find_map(std::result::Result::err)
            .or_else(|| w.finish().err())
            .expect("the disk fills");
        match failed {
            StoreError::Write(e) => assert_eq!(e.kind(), std::io::ErrorKind::StorageFull),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rows_read_back_with_their_types() {
        use arrow_array::cast::AsArray;
        use arrow_array::types::{Float64Type, TimestampMillisecondType};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.parquet");
        let mut w = ParquetGpts::new(std::fs::File::create(&path).unwrap()).unwrap();
        for i in 0..(GROUP as i64 + 5) {
            w.push(&gpt(i)).unwrap();
        }
        assert_eq!(w.finish().unwrap(), GROUP + 5);
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
            std::fs::File::open(&path).unwrap(),
        )
        .unwrap();
        assert_eq!(reader.metadata().num_row_groups(), 2);
        let batches: Vec<RecordBatch> = reader.build().unwrap().map(|b| b.unwrap()).collect();
        let b = &batches[0];
        assert_eq!(b.schema(), schema());
        assert_eq!(b.column(2).as_string::<i32>().value(3), "GPT 3 ✓ 名前");
        assert!(b.column(3).is_null(1));
        let tools = b.column(8).as_list::<i32>().value(0);
        assert_eq!(
            tools
                .as_string::<i32>()
                .iter()
                .flatten()
                .collect::<Vec<_>>(),
            ["browser", "python"]
        );
        assert_eq!(b.column(13).as_primitive::<Float64Type>().value(3), 4.5);
        assert!(b.column(13).is_null(1));
        assert_eq!(
            b.column(16)
                .as_primitive::<TimestampMillisecondType>()
                .value(2),
            1_700_000_002_000
        );
        let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
        assert_eq!(rows, GROUP + 5);
    }
}
