import LabRendering
import Testing

@Suite struct BufferTests {
    @Test func textIsClippedAndWidthAware() {
        var b = Buffer(width: 6, height: 2)
        #expect(b.put("hello world", x: 1, y: 0) == 5)
        #expect(b.lines == [" hello", ""])
        // A wide character that does not fit at the edge is left out.
        #expect(b.put("ab中", x: 3, y: 1) == 2)
        #expect(b.line(1) == "   ab")
        b.put("中", x: 0, y: 1)
        #expect(b.line(1) == "中 ab")
        // Overwriting half of a wide character blanks the other half.
        b.set(1, 1, Cell("x"))
        #expect(b.line(1) == " x ab")
    }
}
