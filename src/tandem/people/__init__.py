"""The college's people and structure: majors, classes, students and teachers."""
