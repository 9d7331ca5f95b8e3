{
 "StartAt": "C",
 "States": {
  "C": {
   "Type": "Choice",
   "Choices": [
    {
     "Variable": "$.x",
     "IsPresent": true,
     "Next": "A"
    }
   ],
   "Default": "Z"
  },
  "A": {
   "Type": "Pass",
   "End": true
  }
 }
}