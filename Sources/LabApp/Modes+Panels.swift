import LabRendering

/// What each panel of a screen shows, for the `?` window's page after the screen's keys: one
/// entry per panel, in the words of the lecture, saying what every colour and mark means.
public struct PanelNote: Sendable, Equatable {
    public var panel: String
    public var text: String
}

extension KeyTable {
    /// The panels of the screen `state` shows.
    public static func panelNotes(_ state: LabState, paneCount: Int = 1) -> [PanelNote] {
        let mode = screenMode(state)
        if same(mode, StepMode.self) { return stepNotes(quiz: false) }
        if same(mode, QuizMode.self) { return stepNotes(quiz: true) }
        if same(mode, BatchMode.self) { return batchNotes }
        if same(mode, ChainMode.self) { return chainNotes }
        var notes: [PanelNote] = []
        if state.present {
            notes.append(PanelNote(panel: "Presentation",
                                   text: "the main panel and the numbers in large digits for the back of the room; p returns to the dashboard."))
        }
        if paneCount > 1 {
            notes += compareNotes
        } else {
            notes.append(mainNote(state.main))
            notes += dashboardNotes
        }
        if same(mode, EditMode.self) || state.editing {
            notes.append(PanelNote(panel: "Data editor",
                                   text: "the cursor (◎ or @) on the map, its coordinates in the header; a digit places a point of that class, backspace removes the nearest, T switches between training and test points; E or esc stops editing, S saves the points."))
        }
        if state.scrubStep != nil {
            notes.append(PanelNote(panel: "Timeline",
                                   text: "every panel as it was at the checkpoint the header names; the bar marks each checkpoint (◆ the one shown); b trains on from there and drops what came after."))
        }
        return notes
    }

    static func mainNote(_ view: MainView) -> PanelNote {
        switch view {
        case .map:
            return PanelNote(panel: "Decision map",
                             text: "what the network says over the input plane. Colour: the class it predicts, strong where it is sure, grey where P(class 1) is near 0.5; the light line is P = 0.5, the decision boundary. Filled marks are training points, hollow ones test points (t hides them, x shows hard regions). The legend under the map says which mark and colour is which class.")
        case .units:
            return PanelNote(panel: "Each hidden unit",
                             text: "a(l)_i, one unit's activation over the input plane, each tile from its own lowest value (orange) to its highest (blue), with the training points: the pieces the output layer combines.")
        case .hidden:
            return PanelNote(panel: "Hidden space",
                             text: "every training point drawn at the activations of two units of a hidden layer (i: the next pair, up/down: the layer). The dotted lines are the input plane's grid bent by the layer; the solid line is where the output's z = 0 (P = 0.5): when the classes lie on its two sides, the layer has made them linearly separable.")
        case .fit:
            return PanelNote(panel: "F(x) against y",
                             text: "every point drawn at its target y (across) and the network's output F(x) (up), one plot per output; the line is F = y, so the farther a point lies from it, the larger its error. The title gives the largest error |F(x) - y| over the points shown (max error). It shows any number of inputs, where no map can.")
        case .layers:
            return PanelNote(panel: "Layers",
                             text: "every hidden layer at once, one row each (up/down selects; the table scrolls): the histogram of its activations f(z) over the training set (after a norm, before dropout and a skip's sum), their mean and standard deviation; s, the share of saturated tanh or logistic values (f' below 5% of its peak), d, the share of dead ReLU units; the standard deviation of dJ/da, the gradient reaching the layer's output; grad:W, std(grad W) / std(W); and log10 of update:W, ||step of W|| / ||W||, per epoch, with its last value (about -3 is healthy; above -2 is marked). The title names the initialisation and its gain.")
        case .curve:
            return PanelNote(panel: "f(x) and F(x)",
                             text: "the target function (dashed), the network's output F(x) (solid) and the training data (dots); with one hidden layer also each unit's part alpha_i a(2)_i (dotted), which sum with the output bias to F(x). The legend names each line by its pattern.")
        }
    }

    static let dashboardNotes: [PanelNote] = [
        PanelNote(panel: "Network",
                  text: "the inputs on the left, the output on the right; each line is a weight W(l)_jk, orange for negative, blue for positive (dashed for negative without colour), brighter for larger |w|. The nodes are coloured by the selected example's activations. LN or BN after a column's name: a layer or batch norm on its z; an arc above two columns: a skip connection adding the left one's a to the right one's; hollow nodes (x in ASCII): units that drop out in training."),
        PanelNote(panel: "Layer a(l)",
                  text: "the selected hidden layer (up/down chooses): the histogram of its activations over the training set; sat, the share where f'(z) is below 5% of its largest value (the flat ends); dead, the ReLU units that give 0 for every example; |grad W|, the size of the layer's gradient; update/W, how much one step changes W relative to W (about 1e-3 is healthy), with their histories."),
        PanelNote(panel: "Loss",
                  text: "the training loss (solid) and test loss (dashed) per epoch on a log scale, the accuracy under it when there is room; the bar under them is the timeline (left/right go back through the checkpoints). The header's warning and the footer's advice say when the loss climbs, units saturate or gradients vanish."),
        PanelNote(panel: "Lesson",
                  text: "the lesson's text (j/k scroll). A lesson with claims stops at its epoch and shows them with their values and PASS/FAIL; space trains on past it."),
    ]

    static let compareNotes: [PanelNote] = [
        PanelNote(panel: "Networks",
                  text: "one line per network: its name, the epoch, the loss on training / test data, the accuracy on training / test data, and the dead ReLU units over the hidden units; the lit one takes the keys (g or 1-4 chooses)."),
        PanelNote(panel: "Maps",
                  text: "each network's decision map, as on the dashboard, with its legend; the same data in every one."),
        PanelNote(panel: "Training loss, test accuracy",
                  text: "one line per network, told apart by colour and by dash pattern as the legend shows; the bar under them is the timeline, shared by every network."),
    ]

    static func stepNotes(quiz: Bool) -> [PanelNote] {
        var notes = [
            PanelNote(panel: "Network and map",
                      text: "the layer in focus lit, and the example (◎) on the map or the curve; arrows, tab or a click choose another example."),
            PanelNote(panel: "The computation",
                      text: "one step of the forward or backward pass in the lecture's notation with the real numbers: z(l+1) = W(l) a(l) + b(l), a(l+1) = f(z(l+1)); delta(L) = a(L) - y at the output; delta(l) = (W(l)^T delta(l+1)) * f'(z(l)) backwards; grad W(l) = delta(l+1) a(l)^T, grad b(l) = delta(l+1). Its operands are shown beside it."),
            PanelNote(panel: "So far",
                      text: "the values computed before this one, matrices with their rows; the last step is the update W(l) - alpha grad W(l) and the loss J before and after it, with the change."),
        ]
        if quiz {
            notes.append(PanelNote(panel: "Quiz",
                                   text: "the next value is hidden: work it out from the operands shown, type it and press enter; right within 1% or 0.01."))
        }
        return notes
    }

    static let batchNotes: [PanelNote] = [
        PanelNote(panel: "Network and map",
                  text: "as in the step-through: the example chosen there (◎) is the minibatch's first column."),
        PanelNote(panel: "Minibatch",
                  text: "m training examples at once, one per column: A(1) = X is s_1 x m; Z(l+1) = W(l) A(l) + b(l) adds b(l) to every column; A(l+1) = f(Z(l+1)); backwards Delta(l) = (W(l)^T Delta(l+1)) .* f'(Z(l)), one column per example; grad W(l) = (1/m) Delta(l+1) A(l)^T, the mean of the m examples' gradients, and grad b(l) the row mean of Delta(l+1). Each matrix is titled with its shape; +k says k more columns than fit."),
    ]

    static let chainNotes: [PanelNote] = [
        PanelNote(panel: "The chain rule",
                  text: "one path of a small network at one input x: each factor of dJ/dw in turn (n shows the next, p hides it), their product, and a check of the product against a finite difference (J(w + h) - J(w - h)) / 2h; + and - move x."),
    ]

    /// The panel notes as help lines: each panel's name, then its text wrapped to `width`
    /// under an indent.
    static func panelLines(_ state: LabState, paneCount: Int, width: Int) -> [String] {
        let notes = panelNotes(state, paneCount: paneCount)
        guard !notes.isEmpty else { return [] }
        var out = ["", "— What the screen shows —"]
        for note in notes {
            out.append(note.panel)
            out += TextPanel.wrap(note.text, width: Swift.max(20, width - 2)).map { "  " + $0 }
        }
        return out
    }
}
