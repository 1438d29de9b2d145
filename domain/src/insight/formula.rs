//! Formulas across trend series: `A / B * 100`, `(A + B) / 2`. Letters name
//! series in order (A is the first). Division by zero gives 0, so a quiet
//! interval draws as zero rather than breaking the chart.

use crate::validation::Invalid;

#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    root: Expr,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Number(f64),
    Series(usize),
    Negate(Box<Expr>),
    Binary(Box<Expr>, char, Box<Expr>),
}

impl Formula {
    /// Parses `text` for a trend with `series` series.
    pub fn parse(text: &str, series: usize) -> Result<Self, Invalid> {
        let tokens = tokenize(text)?;
        let mut parser = Parser {
            tokens,
            at: 0,
            series,
        };
        let root = parser.sum()?;
        if parser.at != parser.tokens.len() {
            return Err(invalid("has something extra at the end"));
        }
        Ok(Self { root })
    }

    /// The formula's value given each series' value.
    pub fn eval(&self, values: &[f64]) -> f64 {
        eval(&self.root, values)
    }
}

fn eval(expr: &Expr, values: &[f64]) -> f64 {
    match expr {
        Expr::Number(n) => *n,
        Expr::Series(i) => values.get(*i).copied().unwrap_or(0.0),
        Expr::Negate(e) => -eval(e, values),
        Expr::Binary(l, op, r) => {
            let (l, r) = (eval(l, values), eval(r, values));
            match op {
                '+' => l + r,
                '-' => l - r,
                '*' => l * r,
                _ if r == 0.0 => 0.0,
                _ => l / r,
            }
        }
    }
}

fn invalid(what: &str) -> Invalid {
    Invalid::new("formula", format!("The formula {what}."))
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Letter(char),
    Op(char),
}

fn tokenize(text: &str) -> Result<Vec<Token>, Invalid> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_digit() || c == '.' {
            let mut number = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit() || **d == '.') {
                number.push(d);
                chars.next();
            }
            let value = number
                .parse()
                .map_err(|_| invalid(&format!("has a malformed number \"{number}\"")))?;
            tokens.push(Token::Number(value));
        } else if c.is_ascii_alphabetic() {
            tokens.push(Token::Letter(c.to_ascii_uppercase()));
            chars.next();
        } else if "+-*/()".contains(c) {
            tokens.push(Token::Op(c));
            chars.next();
        } else {
            return Err(invalid(&format!(
                "cannot use \"{c}\"; use series letters, numbers, + - * / and parentheses"
            )));
        }
    }
    if tokens.is_empty() {
        return Err(invalid("is empty"));
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    series: usize,
}

impl Parser {
    fn peek_op(&self, ops: &str) -> Option<char> {
        match self.tokens.get(self.at) {
            Some(Token::Op(c)) if ops.contains(*c) => Some(*c),
            _ => None,
        }
    }

    fn sum(&mut self) -> Result<Expr, Invalid> {
        let mut left = self.product()?;
        while let Some(op) = self.peek_op("+-") {
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, Invalid> {
        let mut left = self.unary()?;
        while let Some(op) = self.peek_op("*/") {
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, Invalid> {
        if self.peek_op("-").is_some() {
            self.at += 1;
            return Ok(Expr::Negate(Box::new(self.unary()?)));
        }
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        match token {
            Some(Token::Number(n)) => Ok(Expr::Number(n)),
            Some(Token::Letter(letter)) => {
                let index = (letter as u8 - b'A') as usize;
                if index >= self.series {
                    return Err(invalid(&format!(
                        "refers to series {letter}, which does not exist"
                    )));
                }
                Ok(Expr::Series(index))
            }
            Some(Token::Op('(')) => {
                let inner = self.sum()?;
                if self.peek_op(")").is_none() {
                    return Err(invalid("is missing a closing parenthesis"));
                }
                self.at += 1;
                Ok(inner)
            }
            _ => Err(invalid("is incomplete")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str, values: &[f64]) -> f64 {
        Formula::parse(text, values.len()).unwrap().eval(values)
    }

    #[test]
    fn arithmetic_follows_precedence_and_parentheses() {
        assert_eq!(value("A / B * 100", &[1.0, 4.0]), 25.0);
        assert_eq!(value("(a + b) / 2", &[3.0, 5.0]), 4.0);
        assert_eq!(value("A + B * 2", &[1.0, 2.0]), 5.0);
        assert_eq!(value("-A + 1.5", &[1.0]), 0.5);
    }

    #[test]
    fn division_by_zero_is_zero() {
        assert_eq!(value("A / B", &[3.0, 0.0]), 0.0);
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(Formula::parse("A + C", 2)
            .unwrap_err()
            .message
            .contains("series C"));
        assert!(Formula::parse("(A + B", 2)
            .unwrap_err()
            .message
            .contains("parenthesis"));
        assert!(Formula::parse("A +", 1)
            .unwrap_err()
            .message
            .contains("incomplete"));
        assert!(Formula::parse("A % B", 2)
            .unwrap_err()
            .message
            .contains("%"));
        assert!(Formula::parse("", 1).is_err());
        assert!(Formula::parse("A B", 2).is_err());
    }
}
