let shippedLessonTexts: [(name: String, text: String)] = []
