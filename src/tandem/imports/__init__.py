"""Importing registers (partner enterprises, students, teachers) from spreadsheets."""
