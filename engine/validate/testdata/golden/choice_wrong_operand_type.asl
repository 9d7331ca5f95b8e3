{
 "StartAt": "C",
 "States": {
  "C": {
   "Type": "Choice",
   "Choices": [
    {
     "Variable": "$.x",
     "NumericEquals": "1",
     "Next": "A"
    }
   ],
   "Default": "A"
  },
  "A": {
   "Type": "Pass",
   "End": true
  }
 }
}