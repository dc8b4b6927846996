// Command ledger-crosscheck verifies a govdx ledger over its public HTTP interface with Go's
// reference implementation of signed notes and transparency logs (golang.org/x/mod/sumdb/note and
// golang.org/x/mod/sumdb/tlog), independently of the platform's TypeScript code.
//
//	go run main.go -log http://127.0.0.1:3000 [-old-checkpoint old.note] [-sample 300]
//
// It checks the latest checkpoint's signature with the log's verifier key, the inclusion proof of
// every entry (or of a sample of -sample entries, the first and last included, when the log is
// larger), and, when every entry was fetched, that the root recomputed from the entries equals the
// signed root and that the consistency proofs from sizes 1, 2, 3, size/2, size-1 and size to the
// current size hold against roots recomputed from the entries. With -old-checkpoint, a checkpoint
// note fetched earlier, it checks that note's signature with the same key and the consistency
// proof from its size to the current one. Negative controls (a wrong root, a wrong leaf, a wrong
// old root, a tampered note) must be rejected, so the program cannot pass vacuously.
//
// It prints one line per kind of check and exits 1 naming every check that failed.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var client = &http.Client{Timeout: 15 * time.Second}

// fetch GETs baseURL+path and returns the body of a 200 answer.
func fetch(baseURL, path string) ([]byte, error) {
	resp, err := client.Get(baseURL + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d: %.200s", path, resp.StatusCode, body)
	}
	return body, nil
}

// fetchHashes GETs a proof: one standard-base64 hash per line.
func fetchHashes(baseURL, path string) ([]tlog.Hash, error) {
	body, err := fetch(baseURL, path)
	if err != nil {
		return nil, err
	}
	var hashes []tlog.Hash
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" {
			continue
		}
		hash, err := tlog.ParseHash(line)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %q is not a base64 SHA-256 hash", path, line)
		}
		hashes = append(hashes, hash)
	}
	if len(body) > 0 && !bytes.HasSuffix(body, []byte("\n")) {
		return nil, fmt.Errorf("GET %s: the last line does not end in a newline", path)
	}
	return hashes, nil
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

// parseCheckpoint reads the text of a C2SP tlog-checkpoint (origin, decimal size, base64 root,
// then optional extension lines). tlog.ParseTree reads the sumdb variant ("go.sum database
// tree" header), which is not this format.
func parseCheckpoint(text string) (checkpoint, error) {
	lines := strings.SplitAfter(text, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return checkpoint{}, fmt.Errorf("checkpoint text has fewer than 3 lines")
	}
	origin := strings.TrimSuffix(lines[0], "\n")
	sizeText := strings.TrimSuffix(lines[1], "\n")
	rootText := strings.TrimSuffix(lines[2], "\n")
	if origin == "" {
		return checkpoint{}, fmt.Errorf("checkpoint origin is empty")
	}
	size, err := strconv.ParseInt(sizeText, 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != sizeText {
		return checkpoint{}, fmt.Errorf("checkpoint size %q is not a canonical decimal", sizeText)
	}
	rootBytes, err := base64.StdEncoding.DecodeString(rootText)
	if err != nil || len(rootBytes) != tlog.HashSize {
		return checkpoint{}, fmt.Errorf("checkpoint root %q is not a base64 SHA-256 hash", rootText)
	}
	var root tlog.Hash
	copy(root[:], rootBytes)
	return checkpoint{origin, size, root}, nil
}

// openCheckpoint verifies a signed note with the log's key and parses its text.
func openCheckpoint(msg []byte, verifiers note.Verifiers) (checkpoint, *note.Note, error) {
	n, err := note.Open(msg, verifiers)
	if err != nil {
		return checkpoint{}, nil, err
	}
	c, err := parseCheckpoint(n.Text)
	return c, n, err
}

// sampleIndexes returns every index below size, or about max of them spread evenly, 0 and
// size-1 included.
func sampleIndexes(size int64, max int) []int64 {
	if size <= int64(max) {
		all := make([]int64, size)
		for i := range all {
			all[i] = int64(i)
		}
		return all
	}
	seen := map[int64]bool{}
	var out []int64
	for k := 0; k < max; k++ {
		i := int64(k) * (size - 1) / int64(max-1)
		if !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out
}

type entryResult struct {
	index int64
	leaf  []byte
	proof tlog.RecordProof
	err   error
}

// fetchEntries fetches the leaves and inclusion proofs of the given indexes, a few at a time.
func fetchEntries(baseURL string, size int64, indexes []int64) []entryResult {
	results := make([]entryResult, len(indexes))
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				i := indexes[k]
				r := entryResult{index: i}
				r.leaf, r.err = fetch(baseURL, fmt.Sprintf("/api/v1/ledger/entries/%d", i))
				if r.err == nil {
					var proof []tlog.Hash
					proof, r.err = fetchHashes(baseURL,
						fmt.Sprintf("/api/v1/ledger/proofs/inclusion?index=%d&size=%d", i, size))
					r.proof = proof
				}
				results[k] = r
			}
		}()
	}
	for k := range indexes {
		work <- k
	}
	close(work)
	wg.Wait()
	return results
}

// memoryHashes is a tlog.HashReader over the stored hashes of a log built in memory.
type memoryHashes []tlog.Hash

func (m memoryHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for k, i := range indexes {
		if i < 0 || i >= int64(len(m)) {
			return nil, fmt.Errorf("no stored hash %d", i)
		}
		out[k] = m[i]
	}
	return out, nil
}

func main() {
	logURL := flag.String("log", "", "base URL of the platform, e.g. http://127.0.0.1:3000")
	oldFile := flag.String("old-checkpoint", "", "a checkpoint note fetched earlier from the same log")
	sample := flag.Int("sample", 300, "check every entry up to this many, else a sample of this many")
	flag.Parse()
	if *logURL == "" || *sample < 2 {
		fmt.Fprintln(os.Stderr, "usage: ledger-crosscheck -log <baseURL> [-old-checkpoint <file>] [-sample n>=2]")
		os.Exit(2)
	}
	baseURL := strings.TrimRight(*logURL, "/")

	var failures []string
	fail := func(format string, args ...interface{}) {
		msg := fmt.Sprintf(format, args...)
		failures = append(failures, msg)
		fmt.Printf("FAIL %s\n", msg)
	}
	fatal := func(format string, args ...interface{}) {
		fmt.Printf("FAIL "+format+"\n", args...)
		fmt.Println("RESULT: FAIL (1 check failed, stopped)")
		os.Exit(1)
	}

	// The log's key and its latest checkpoint.
	vkeyBytes, err := fetch(baseURL, "/api/v1/ledger/verifier-key")
	if err != nil {
		fatal("verifier key: %v", err)
	}
	vkey := strings.TrimSpace(string(vkeyBytes))
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		fatal("verifier key %q: note.NewVerifier: %v", vkey, err)
	}
	verifiers := note.VerifierList(verifier)
	cpBytes, err := fetch(baseURL, "/api/v1/ledger/checkpoint")
	if err != nil {
		fatal("checkpoint: %v", err)
	}
	cp, cpNote, err := openCheckpoint(cpBytes, verifiers)
	if err != nil {
		fatal("checkpoint: note.Open with %s: %v", vkey, err)
	}
	if cp.size < 1 {
		fatal("checkpoint: size %d, nothing to check", cp.size)
	}
	fmt.Printf("checkpoint: signature ok (key %s+%08x, %d other signature(s) not checked); origin %s, size %d, root %s\n",
		verifier.Name(), verifier.KeyHash(), len(cpNote.UnverifiedSigs), cp.origin, cp.size, cp.root)

	// Inclusion of every entry (or of a sample).
	indexes := sampleIndexes(cp.size, *sample)
	full := int64(len(indexes)) == cp.size
	results := fetchEntries(baseURL, cp.size, indexes)
	included, seqOK, fetched := 0, 0, 0
	for _, r := range results {
		if r.err != nil {
			fail("entry %d: %v", r.index, r.err)
			continue
		}
		fetched++
		if err := tlog.CheckRecord(r.proof, cp.size, cp.root, r.index, tlog.RecordHash(r.leaf)); err != nil {
			fail("inclusion of entry %d in tree %d: tlog.CheckRecord: %v", r.index, cp.size, err)
		} else {
			included++
		}
		// The leaf is the platform's JSON with its own index in "seq" (docs/API-ledger.md).
		var leaf struct {
			Seq *int64 `json:"seq"`
		}
		if err := json.Unmarshal(r.leaf, &leaf); err != nil || leaf.Seq == nil || *leaf.Seq != r.index {
			fail("entry %d: leaf is not JSON with \"seq\":%d: %.120s", r.index, r.index, r.leaf)
		} else {
			seqOK++
		}
	}
	scope := "all entries"
	if !full {
		scope = fmt.Sprintf("sample of %d, first and last included", len(indexes))
	}
	fmt.Printf("inclusion (tlog.CheckRecord): %d/%d entries ok of size %d (%s)\n", included, len(indexes), cp.size, scope)
	fmt.Printf("leaf seq = index: %d/%d entries ok\n", seqOK, len(indexes))

	// With every leaf at hand: recompute the tree with tlog and check consistency proofs from
	// several old sizes against the recomputed old roots.
	var stored memoryHashes
	consistencyChecked := 0
	var lastOldRoot tlog.Hash
	var lastOldSize int64
	var lastProof tlog.TreeProof
	if full && fetched == len(results) {
		for i, r := range results {
			hashes, err := tlog.StoredHashes(int64(i), r.leaf, stored)
			if err != nil {
				fatal("tlog.StoredHashes(%d): %v", i, err)
			}
			stored = append(stored, hashes...)
		}
		root, err := tlog.TreeHash(cp.size, stored)
		if err != nil {
			fatal("tlog.TreeHash(%d): %v", cp.size, err)
		}
		if root != cp.root {
			fail("root recomputed from %d entries with tlog.TreeHash is %s, the checkpoint says %s", cp.size, root, cp.root)
		} else {
			fmt.Printf("root recomputed from all %d entries (tlog.StoredHashes, tlog.TreeHash): ok\n", cp.size)
		}

		sizeSet := map[int64]bool{}
		for _, m := range []int64{1, 2, 3, cp.size / 2, cp.size - 1, cp.size} {
			if m >= 1 && m <= cp.size {
				sizeSet[m] = true
			}
		}
		var sizes []int64
		for m := range sizeSet {
			sizes = append(sizes, m)
		}
		sort.Slice(sizes, func(a, b int) bool { return sizes[a] < sizes[b] })
		var okSizes []string
		for _, m := range sizes {
			oldRoot, err := tlog.TreeHash(m, stored)
			if err != nil {
				fatal("tlog.TreeHash(%d): %v", m, err)
			}
			proof, err := fetchHashes(baseURL, fmt.Sprintf("/api/v1/ledger/proofs/consistency?old=%d&new=%d", m, cp.size))
			if err != nil {
				fail("consistency %d -> %d: %v", m, cp.size, err)
				continue
			}
			if err := tlog.CheckTree(proof, cp.size, cp.root, m, oldRoot); err != nil {
				fail("consistency %d -> %d: tlog.CheckTree: %v", m, cp.size, err)
				continue
			}
			okSizes = append(okSizes, strconv.FormatInt(m, 10))
			consistencyChecked++
			if m < cp.size {
				lastOldRoot, lastOldSize, lastProof = oldRoot, m, proof
			}
		}
		fmt.Printf("consistency from recomputed roots (tlog.CheckTree): %d/%d sizes ok (%s -> %d)\n",
			consistencyChecked, len(sizes), strings.Join(okSizes, ","), cp.size)
	} else if full {
		fail("root recomputation and consistency from recomputed roots: skipped, %d entries could not be fetched", len(results)-fetched)
	} else {
		fmt.Printf("root recomputation and consistency from recomputed roots: skipped (log of %d entries is larger than -sample %d)\n", cp.size, *sample)
	}

	// The old checkpoint: same key, and the new tree extends it.
	if *oldFile != "" {
		oldBytes, err := os.ReadFile(*oldFile)
		if err != nil {
			fatal("old checkpoint: %v", err)
		}
		old, _, err := openCheckpoint(oldBytes, verifiers)
		switch {
		case err != nil:
			fail("old checkpoint %s: note.Open with %s: %v", *oldFile, vkey, err)
		case old.origin != cp.origin:
			fail("old checkpoint origin %q differs from %q", old.origin, cp.origin)
		case old.size < 1 || old.size > cp.size:
			fail("old checkpoint size %d is not in 1..%d", old.size, cp.size)
		default:
			proof, err := fetchHashes(baseURL, fmt.Sprintf("/api/v1/ledger/proofs/consistency?old=%d&new=%d", old.size, cp.size))
			if err != nil {
				fail("consistency from old checkpoint %d -> %d: %v", old.size, cp.size, err)
			} else if err := tlog.CheckTree(proof, cp.size, cp.root, old.size, old.root); err != nil {
				fail("consistency from old checkpoint %d -> %d: tlog.CheckTree: %v", old.size, cp.size, err)
			} else {
				fmt.Printf("old checkpoint: signature ok; consistency %d -> %d (tlog.CheckTree, %d hashes): ok\n", old.size, cp.size, len(proof))
				if stored != nil {
					if root, err := tlog.TreeHash(old.size, stored); err != nil || root != old.root {
						fail("old checkpoint root %s differs from the root of its %d entries recomputed now", old.root, old.size)
					}
				}
				if lastProof == nil && old.size < cp.size {
					lastOldRoot, lastOldSize, lastProof = old.root, old.size, proof
				}
			}
		}
	}

	// Negative controls: each must be rejected, or the checks above prove nothing.
	rejected, controls := 0, 0
	control := func(name string, err error) {
		controls++
		if err == nil {
			fail("negative control accepted: %s", name)
		} else {
			rejected++
		}
	}
	wrongRoot := cp.root
	wrongRoot[0] ^= 1
	for _, r := range results {
		if r.err != nil {
			continue
		}
		control("inclusion against a wrong root",
			tlog.CheckRecord(r.proof, cp.size, wrongRoot, r.index, tlog.RecordHash(r.leaf)))
		control("inclusion of a wrong leaf",
			tlog.CheckRecord(r.proof, cp.size, cp.root, r.index, tlog.RecordHash(append(append([]byte{}, r.leaf...), ' '))))
		break
	}
	if lastProof != nil {
		badOld := lastOldRoot
		badOld[31] ^= 1
		control("consistency from a wrong old root", tlog.CheckTree(lastProof, cp.size, cp.root, lastOldSize, badOld))
		control("consistency to a wrong new root", tlog.CheckTree(lastProof, cp.size, wrongRoot, lastOldSize, lastOldRoot))
	}
	tampered := bytes.Replace(cpBytes, []byte(fmt.Sprintf("\n%d\n", cp.size)), []byte(fmt.Sprintf("\n%d\n", cp.size+1)), 1)
	_, _, err = openCheckpoint(tampered, verifiers)
	control("checkpoint note with a changed size", err)
	fmt.Printf("negative controls: %d/%d rejected\n", rejected, controls)

	if len(failures) > 0 {
		fmt.Printf("RESULT: FAIL (%d checks failed)\n", len(failures))
		os.Exit(1)
	}
	fmt.Println("RESULT: OK")
}
